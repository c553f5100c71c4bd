import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { K8sObject } from './manifests';
import { parseYamlFile } from './manifests';
import { readRepoFile, repoPath } from './repo';

interface Generator {
  name: string;
  files?: string[];
  literals?: string[];
  envs?: string[];
}

/** The parts of k8s/kustomization.yaml these checks read. */
export interface Kustomization {
  namespace?: string;
  resources?: string[];
  configMapGenerator?: Generator[];
  secretGenerator?: Generator[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
}

/** k8s/kustomization.yaml, parsed. */
export function loadKustomization(): Kustomization {
  const [doc] = parseYamlFile('k8s/kustomization.yaml');
  return doc as Kustomization;
}

/** `key=path` or `path` of a configMapGenerator file entry → [key, repo-relative path]. */
export function generatorFile(entry: string): [string, string] {
  const eq = entry.indexOf('=');
  const path = eq >= 0 ? entry.slice(eq + 1) : entry;
  return [eq >= 0 ? entry.slice(0, eq) : basename(path), join('k8s', path)];
}

/** Parses KEY=VALUE lines (comments and blank lines ignored), as kustomize `envs` and compose env files. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`not a KEY=VALUE line: ${line}`);
    out[line.slice(0, eq).trim()] = line
      .slice(eq + 1)
      .trim()
      .replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

/** The ConfigMaps kustomize generates, under their unsuffixed names (as the manifests refer to them). */
export function generatedConfigMaps(k: Kustomization = loadKustomization()): K8sObject[] {
  return (k.configMapGenerator ?? []).map((g) => {
    const data: Record<string, string> = {};
    for (const entry of g.files ?? []) {
      const [key, path] = generatorFile(entry);
      if (!existsSync(repoPath(path)))
        throw new Error(`configMapGenerator ${g.name}: ${path} does not exist`);
      data[key] = readRepoFile(path);
    }
    for (const lit of g.literals ?? []) Object.assign(data, parseEnvFile(lit));
    for (const env of g.envs ?? []) Object.assign(data, parseEnvFile(readRepoFile('k8s', env)));
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: g.name }, data };
  });
}
