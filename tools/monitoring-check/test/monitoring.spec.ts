import { parse } from 'yaml';
import { K8S_MONITORING, renderConfigMap } from '../src/k8s';
import { metricNames } from '../src/promql';
import {
  exposedNames,
  metricsInSources,
  registeredMetrics,
  type RegisteredMetric,
} from '../src/registered-metrics';
import { readRepoFile } from '../src/repo';

interface Rule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
}

const rules = (
  parse(readRepoFile('deploy/monitoring/prometheus/alerts.yml')) as { groups: { rules: Rule[] }[] }
).groups.flatMap((g) => g.rules);
const ruleTests = parse(readRepoFile('deploy/monitoring/prometheus/alerts.test.yml')) as {
  tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
};
const dashboard = JSON.parse(readRepoFile('deploy/monitoring/grafana/dashboards/fitting-mirror.json')) as {
  uid: string;
  panels: Panel[];
};
const panels = dashboard.panels.filter((p) => p.type !== 'row');
const readme = readRepoFile('deploy/monitoring/README.md');

/** Series Prometheus itself makes. */
const PROMETHEUS_SERIES = new Set(['up', 'ALERTS', 'ALERTS_FOR_STATE']);

describe('monitoring (deploy/monitoring)', () => {
  let exposed: Map<string, RegisteredMetric>;

  beforeAll(async () => {
    const { metrics } = await registeredMetrics();
    exposed = new Map(metrics.flatMap((m) => exposedNames(m).map((n) => [n, m] as const)));
  });

  const uses = [
    ...rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })),
    ...panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))),
  ];

  it.each(uses.map((u) => [u.where, u.expr]))(
    '%s selects only metrics the services export: %s',
    (_w, expr) => {
      const unknown = metricNames(expr).filter((name) => !exposed.has(name) && !PROMETHEUS_SERIES.has(name));
      expect(unknown).toEqual([]);
    },
  );

  it('finds the metrics of the transport, the WeChat client, the services and prom-client', () => {
    for (const name of [
      'nats_dead_letters_total',
      'nats_consumer_pending_messages',
      'nats_permission_violations_total',
      'wechat_quota_errors_total',
      'wechat_callback_seconds_bucket',
      'photo_store_rejections_total',
      'vision_mirror_last_frame_timestamp_seconds',
      'binding_scans_total',
      'process_cpu_seconds_total',
    ]) {
      expect([name, exposed.has(name)]).toEqual([name, true]);
    }
    expect(exposed.has('wechat_callback_seconds')).toBe(false); // a histogram is its _bucket, _sum, _count
  });

  it('knows every registration whose name is computed (the WeChat counters, read from the platform registry)', async () => {
    const { dynamic } = await registeredMetrics();
    expect(dynamic.map((d) => d.where.replace(/:\d+$/, ''))).toEqual([
      'libs/platform/src/wechat-api.providers.ts',
    ]);
  });

  it('gives every alert a severity, a summary, a runbook section in the README and a promtool test that fires it', () => {
    const tested = new Set(
      ruleTests.tests.flatMap((t) =>
        (t.alert_rule_test ?? []).filter((c) => c.exp_alerts.length > 0).map((c) => c.alertname),
      ),
    );
    for (const rule of rules) {
      const anchor = rule.alert.toLowerCase();
      expect([rule.alert, rule.labels?.severity]).toEqual([
        rule.alert,
        expect.stringMatching(/^(warning|critical)$/),
      ]);
      expect([rule.alert, rule.annotations?.runbook]).toEqual([
        rule.alert,
        `deploy/monitoring/README.md#${anchor}`,
      ]);
      expect([rule.alert, readme.includes(`### ${rule.alert}`)]).toEqual([rule.alert, true]);
      expect([rule.alert, tested.has(rule.alert)]).toEqual([rule.alert, true]);
    }
  });

  it('lays the dashboard out on unique panel ids, within 24 columns, on the provisioned datasource', () => {
    const datasources = parse(
      readRepoFile('deploy/monitoring/grafana/provisioning/datasources/prometheus.yml'),
    ) as {
      datasources: { uid: string }[];
    };
    const uid = datasources.datasources[0].uid;
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels) {
      expect([p.title, p.gridPos.x + p.gridPos.w <= 24]).toEqual([p.title, true]);
    }
    for (const p of panels) {
      expect([p.title, p.datasource?.uid]).toEqual([p.title, uid]);
      expect([p.title, (p.targets ?? []).length > 0]).toEqual([p.title, true]);
    }
  });

  it('scrapes every service that docker-compose.yml runs, at its port 3000', () => {
    const compose = parse(readRepoFile('docker-compose.yml'), { merge: true }) as {
      services: Record<string, { command?: string[] }>;
    };
    const services = Object.entries(compose.services)
      .filter(([name, s]) => (s.command ?? []).includes(`services/${name}/dist/main.js`))
      .map(([name]) => name)
      .sort();
    const config = parse(readRepoFile('deploy/monitoring/prometheus/prometheus.yml')) as {
      scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[];
    };
    const jobs = Object.fromEntries(
      config.scrape_configs.map((c) => [c.job_name, (c.static_configs ?? []).flatMap((s) => s.targets)]),
    );
    expect(services.length).toBeGreaterThanOrEqual(5);
    for (const name of services) expect([name, jobs[name]]).toEqual([name, [`${name}:3000`]]);
  });

  it.each(K8S_MONITORING.map((s) => [s.file, s]))(
    '%s carries the files of deploy/monitoring unchanged',
    (file, spec) => {
      expect([file, readRepoFile(file) === renderConfigMap(spec)]).toEqual([file, true]);
      const object = parse(readRepoFile(file)) as { data: Record<string, string> };
      for (const [key, path] of Object.entries(spec.data)) expect(object.data[key]).toBe(readRepoFile(path));
    },
  );
});

describe(metricNames.name, () => {
  it('names the metrics of an expression, not its functions, labels, ranges, groupings or keywords', () => {
    expect(
      metricNames(
        'sum by (job, endpoint) (increase(wechat_quota_errors_total{endpoint=~"/cgi-bin/(stable_)?token"}[15m])) > 0 ' +
          'or sum by (job) (x_total unless x_total offset 15m) > 0 and on (job) up == 1',
      ),
    ).toEqual(['up', 'wechat_quota_errors_total', 'x_total']);
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le) (rate(h_bucket{method="POST"}[$__rate_interval]))) > 1e3',
      ),
    ).toEqual(['h_bucket']);
    expect(metricNames('time() - max by (mirror) (max_over_time(g_seconds[30m])) > 300')).toEqual([
      'g_seconds',
    ]);
  });

  it('refuses a selector by __name__', () => {
    expect(() => metricNames('rate({__name__=~"a|b"}[5m])')).toThrow(/__name__/);
  });
});

describe(metricsInSources.name, () => {
  it('reads names split over lines and leaves computed ones to the caller', () => {
    const { metrics, dynamic } = metricsInSources(['services/photo-store/src/photos/photo.metrics.ts']);
    expect(metrics.map((m) => m.name)).toContain('photo_store_publish_to_stored_seconds');
    expect(metrics.find((m) => m.name === 'photo_store_photo_seconds')?.type).toBe('histogram');
    expect(dynamic).toEqual([]);
  });
});
