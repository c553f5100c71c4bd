import { parseAllDocuments } from 'yaml';
import { resolveContainerEnv } from '../src/k8s-env';
import { generatedConfigMaps } from '../src/kustomization';
import { findObject, loadK8sObjects, type K8sObject } from '../src/manifests';
import { readRepoFile, serviceNames } from '../src/repo';
import { serviceConfigShape } from '../src/service-config';

// Tracing is switched on in k8s by uncommenting one line of config/common.yaml: these tests uncomment it and
// check that every service would then get an endpoint its config accepts, and be allowed to reach it.
const COMMON = 'k8s/config/common.yaml';
const ENDPOINT_LINE = /^(\s*)# (OTEL_EXPORTER_OTLP_ENDPOINT: (\S+))$/m;
const services = serviceNames();
const objects = loadK8sObjects().map((d) => d.object);
const text = readRepoFile(COMMON);
const commented = text.match(ENDPOINT_LINE);
const endpoint = commented?.[3] ?? '';

const configMapsOf = (common: string) =>
  new Map<string, K8sObject>(
    [
      ...objects.filter((o) => o.kind === 'ConfigMap' && !o.metadata.name.startsWith('mirror-common')),
      ...parseAllDocuments(common).map((d) => d.toJS() as K8sObject),
      ...generatedConfigMaps(),
    ]
      .filter((o) => o?.kind === 'ConfigMap')
      .map((o) => [o.metadata.name, o]),
  );
const secrets = new Map(objects.filter((o) => o.kind === 'Secret').map((o) => [o.metadata.name, o]));
const envOf = (service: string, common: string) =>
  resolveContainerEnv(
    findObject(objects, 'Deployment', service).spec.template.spec.containers[0],
    configMapsOf(common),
    secrets,
  ).env;

interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}
const matches = (
  selector: { matchLabels?: Record<string, string>; matchExpressions?: Requirement[] } | undefined,
  labels: Record<string, string>,
) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
  (selector?.matchExpressions ?? []).every((r) =>
    r.operator === 'In'
      ? (r.values ?? []).includes(labels[r.key])
      : r.operator === 'Exists' && r.key in labels,
  );

describe('tracing in k8s', () => {
  it('is off as committed: no service gets an OTLP endpoint', () => {
    for (const service of services)
      expect([service, envOf(service, text).OTEL_EXPORTER_OTLP_ENDPOINT]).toEqual([service, undefined]);
  });

  it("documents the endpoint as one commented line of mirror-common, a URL every service's config accepts", () => {
    expect(commented).not.toBeNull();
    for (const service of services) {
      const shape = serviceConfigShape(service);
      expect([service, shape.OTEL_EXPORTER_OTLP_ENDPOINT?.safeParse(endpoint).success]).toEqual([
        service,
        true,
      ]);
    }
  });

  it('reaches every service once that line is uncommented', () => {
    const on = text.replace(ENDPOINT_LINE, '$1$2');
    for (const service of services)
      expect([service, envOf(service, on).OTEL_EXPORTER_OTLP_ENDPOINT]).toEqual([service, endpoint]);
  });

  it("lets every service through the default-deny egress policy to that collector's port and namespace", () => {
    const url = new URL(endpoint);
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const namespace = url.hostname.split('.')[1];
    const policies = objects.filter(
      (o) => o.kind === 'NetworkPolicy' && o.spec.policyTypes?.includes('Egress'),
    );
    for (const service of services) {
      const labels = findObject(objects, 'Deployment', service).spec.template.metadata.labels;
      const allowed = policies.some(
        (p) =>
          matches(p.spec.podSelector, labels) &&
          (p.spec.egress ?? []).some(
            (rule: {
              to?: { namespaceSelector?: { matchLabels?: Record<string, string> } }[];
              ports?: { port: number }[];
            }) =>
              (rule.ports ?? []).some((p) => p.port === port) &&
              (rule.to ?? []).some(
                (to) => to.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === namespace,
              ),
          ),
      );
      expect([service, port, namespace, allowed]).toEqual([service, port, namespace, true]);
    }
  });
});
