import { stringify } from 'yaml';
import { readRepoFile } from './repo';

/** The ConfigMaps of k8s/monitoring, each rendered from the files of deploy/monitoring it carries. */
export const K8S_MONITORING = [
  {
    file: 'k8s/monitoring/prometheus-config.yaml',
    name: 'prometheus-config',
    about: "Prometheus's configuration for Kubernetes and the alert rules: mount it at /etc/prometheus.",
    labels: { 'app.kubernetes.io/component': 'monitoring' },
    data: {
      'prometheus.yml': 'deploy/monitoring/prometheus/prometheus-k8s.yml',
      'alerts.yml': 'deploy/monitoring/prometheus/alerts.yml',
    },
  },
  {
    file: 'k8s/monitoring/grafana-dashboards.yaml',
    name: 'grafana-dashboard-fitting-mirror',
    about:
      "The Grafana dashboard; Grafana's dashboard sidecar (label grafana_dashboard) loads it, or mount it as a file provider's folder.",
    labels: { 'app.kubernetes.io/component': 'monitoring', grafana_dashboard: '1' },
    data: { 'fitting-mirror.json': 'deploy/monitoring/grafana/dashboards/fitting-mirror.json' },
  },
] as const;

/** The text of one k8s/monitoring manifest, as render-k8s.ts writes it. */
export function renderConfigMap(spec: (typeof K8S_MONITORING)[number]): string {
  const data = Object.fromEntries(Object.entries(spec.data).map(([key, path]) => [key, readRepoFile(path)]));
  const sources = Object.values(spec.data).join(', ');
  const header = [
    `# Generated from ${sources} by tools/monitoring-check/src/render-k8s.ts: edit those, then run`,
    '#   node -r ./scripts/register-ts.js tools/monitoring-check/src/render-k8s.ts',
    `# ${spec.about}`,
  ].join('\n');
  const object = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: spec.name, labels: spec.labels },
    data,
  };
  return `${header}\n${stringify(object, { lineWidth: 0, blockQuote: 'literal' })}`;
}
