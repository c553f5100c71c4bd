import { parseAllDocuments } from 'yaml';
import { listFiles, readRepoFile } from './repo';

/** A Kubernetes object as written in a manifest. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  [k: string]: unknown;
}

/** One object of one manifest file. */
export interface ManifestDoc {
  file: string;
  index: number;
  object: K8sObject;
}

/** Parses a YAML file into its documents; a syntax error names the file and the place. */
export function parseYamlFile(file: string): unknown[] {
  const docs = parseAllDocuments(readRepoFile(file), { merge: true, prettyErrors: true });
  const out: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** The YAML manifests under k8s/ (kustomization.yaml excluded), parsed. */
export function k8sManifestFiles(): string[] {
  return listFiles('k8s', (n) => /\.ya?ml$/.test(n) && !/^kustomization\.ya?ml$/.test(n));
}

/** Every object of every manifest under k8s/. */
export function loadK8sObjects(files = k8sManifestFiles()): ManifestDoc[] {
  return files.flatMap((file) =>
    parseYamlFile(file).map((object, index) => ({ file, index, object: object as K8sObject })),
  );
}

/** The kubernetes-models class for an apiVersion/kind (e.g. apps/v1 Deployment), or an error naming both. */
export function modelClass(apiVersion: string, kind: string): new (data: unknown) => { validate(): void } {
  const modulePath = `kubernetes-models/${apiVersion}`;
  let mod: Record<string, unknown>;
  try {
    mod = require(modulePath) as Record<string, unknown>;
  } catch {
    throw new Error(`unknown apiVersion ${apiVersion} (no module ${modulePath})`);
  }
  const cls = mod[kind];
  if (typeof cls !== 'function') throw new Error(`unknown kind ${kind} in ${apiVersion}`);
  return cls as new (data: unknown) => { validate(): void };
}

/** Validates an object against its Kubernetes schema; throws with the schema's message. */
export function validateK8sObject(object: K8sObject): void {
  const Model = modelClass(object.apiVersion, object.kind);
  new Model(object).validate();
}

/** Finds the one object of a kind and name; throws naming what is missing. */
export function findObject(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name} in k8s/, found ${found.length}`);
  return found[0];
}

/** Whether a label selector (matchLabels) selects the given labels. */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
