import type { K8sObject } from './manifests';

/** A container as written in a pod template (the fields these checks read). */
export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: Ref; secretRef?: Ref; prefix?: string }[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [k: string]: any;
}
interface Ref {
  name: string;
  optional?: boolean;
}
interface KeyRef extends Ref {
  key: string;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { configMapKeyRef?: KeyRef; secretKeyRef?: KeyRef; fieldRef?: { fieldPath: string } };
}

/** The environment a container starts with, and every reference that would keep it from starting. */
export interface ResolvedEnv {
  env: Record<string, string>;
  problems: string[];
}

/** Plausible values for the downward API fields a pod may read. */
const FIELD_VALUES: Record<string, string> = {
  'metadata.name': 'pod-name-5d8f7c9b4-x2x7q',
  'metadata.namespace': 'fitting-mirror',
  'status.podIP': '10.0.0.17',
  'spec.nodeName': 'node-1',
};

/**
 * Resolves a container's env and envFrom against the ConfigMaps and Secrets given (by name), as the kubelet
 * would: envFrom first, then env entries override. A missing non-optional ConfigMap, Secret or key is a problem.
 */
export function resolveContainerEnv(
  container: Container,
  configMaps: Map<string, K8sObject>,
  secrets: Map<string, K8sObject>,
): ResolvedEnv {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  const dataOf = (o: K8sObject) => ({ ...(o.data ?? {}), ...(o.stringData ?? {}) });
  const source = (kind: 'ConfigMap' | 'Secret', name: string) =>
    (kind === 'ConfigMap' ? configMaps : secrets).get(name);

  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    if (!ref) continue;
    const obj = source(kind, ref.name);
    if (!obj) {
      if (!ref.optional) problems.push(`envFrom: ${kind} ${ref.name} does not exist`);
      continue;
    }
    for (const [k, v] of Object.entries(dataOf(obj))) env[(from.prefix ?? '') + k] = String(v);
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) {
      env[e.name] = String(e.value);
      continue;
    }
    const vf = e.valueFrom;
    if (vf?.fieldRef) {
      const v = FIELD_VALUES[vf.fieldRef.fieldPath];
      if (v === undefined) problems.push(`${e.name}: unsupported fieldRef ${vf.fieldRef.fieldPath}`);
      else env[e.name] = v;
      continue;
    }
    const keyRef = vf?.configMapKeyRef ?? vf?.secretKeyRef;
    const kind = vf?.configMapKeyRef ? 'ConfigMap' : 'Secret';
    if (!keyRef) {
      problems.push(`${e.name}: neither value nor a supported valueFrom`);
      continue;
    }
    const obj = source(kind, keyRef.name);
    const value = obj ? dataOf(obj)[keyRef.key] : undefined;
    if (value === undefined) {
      if (!keyRef.optional) problems.push(`${e.name}: ${kind} ${keyRef.name} has no key ${keyRef.key}`);
      continue;
    }
    env[e.name] = String(value);
  }
  return { env, problems };
}
