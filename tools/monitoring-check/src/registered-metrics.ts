import ts from 'typescript';
import { MetricsService, wechatMetrics } from '@mirror/platform';
import { readRepoFile, sourceFiles } from './repo';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** A metric a service registers: where, and under which name. */
export interface RegisteredMetric {
  name: string;
  type: MetricType;
  /** `file:line`, or `prom-client` for the default process metrics. */
  where: string;
}

/** A `metrics.counter|gauge|histogram(…)` call whose name is not a string literal (read from elsewhere). */
export interface DynamicRegistration {
  where: string;
  text: string;
}

const KINDS = new Set(['counter', 'gauge', 'histogram']);

/**
 * The metrics registered by `MetricsService.counter|gauge|histogram('name', …)` calls in the given
 * source files, found in their syntax tree (names split over lines included), and the calls whose name
 * is computed, which the caller must account for otherwise.
 */
export function metricsInSources(files: string[]): {
  metrics: RegisteredMetric[];
  dynamic: DynamicRegistration[];
} {
  const metrics: RegisteredMetric[] = [];
  const dynamic: DynamicRegistration[] = [];
  for (const file of files) {
    const text = readRepoFile(file);
    if (!/\.(counter|gauge|histogram)\(/.test(text.replace(/\s+/g, ''))) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node) => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        KINDS.has(node.expression.name.text) &&
        node.arguments.length >= 2
      ) {
        const [first] = node.arguments;
        const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        const where = `${file}:${line}`;
        if (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)) {
          metrics.push({ name: first.text, type: node.expression.name.text as MetricType, where });
        } else {
          dynamic.push({ where, text: node.getText().slice(0, 120) });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { metrics, dynamic };
}

/** prom-client's default process metrics and the WeChat client's counters, as a service's registry has them. */
export async function metricsOfPlatform(): Promise<RegisteredMetric[]> {
  const metrics = new MetricsService();
  wechatMetrics(metrics);
  const json = await metrics.registry.getMetricsAsJSON();
  return json.map((m) => ({ name: m.name, type: String(m.type) as MetricType, where: 'libs/platform' }));
}

/** Every metric the services and libraries register. */
export async function registeredMetrics(): Promise<{
  metrics: RegisteredMetric[];
  dynamic: DynamicRegistration[];
}> {
  const files = [...sourceFiles('services'), ...sourceFiles('libs')];
  const found = metricsInSources(files);
  return { metrics: [...found.metrics, ...(await metricsOfPlatform())], dynamic: found.dynamic };
}

/** The series names a metric exposes: a histogram's `_bucket`, `_sum` and `_count`, a summary's `_sum` and `_count`. */
export function exposedNames(metric: Pick<RegisteredMetric, 'name' | 'type'>): string[] {
  if (metric.type === 'histogram') return ['_bucket', '_sum', '_count'].map((s) => metric.name + s);
  if (metric.type === 'summary') return [metric.name, metric.name + '_sum', metric.name + '_count'];
  return [metric.name];
}
