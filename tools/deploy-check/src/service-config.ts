import { existsSync, readFileSync } from 'node:fs';
import type { ZodRawShape, ZodTypeAny } from 'zod';
import { listFiles, repoPath } from './repo';

/** A service's environment shape: variable name → zod schema, as loadConfig takes it. */
export type ConfigShape = ZodRawShape;

const isSchema = (v: unknown): v is ZodTypeAny =>
  typeof v === 'object' && v !== null && typeof (v as ZodTypeAny).safeParse === 'function';

/**
 * The environment shape a service validates at start-up: the object exported by services/<name>/src/config.ts
 * whose every value is a zod schema (`configShape`, `visionShape`, ...). Read as data, by path, so the checks
 * follow the services' own definitions instead of a copy of them.
 */
export function serviceConfigShape(service: string): ConfigShape {
  const file = repoPath('services', service, 'src', 'config.ts');
  if (!existsSync(file))
    throw new Error(
      `services/${service}/src/config.ts is missing: every service declares its environment there`,
    );
  const mod = require(file) as Record<string, unknown>;
  const shapes = Object.entries(mod).filter(
    ([, v]) =>
      typeof v === 'object' &&
      v !== null &&
      !isSchema(v) &&
      Object.keys(v).length > 0 &&
      Object.values(v).every(isSchema),
  );
  if (shapes.length !== 1) {
    throw new Error(
      `services/${service}/src/config.ts must export exactly one environment shape (an object of zod schemas); found ${shapes.map(([k]) => k).join(', ') || 'none'}`,
    );
  }
  return shapes[0][1] as ConfigShape;
}

/** Variables without a default: the service refuses to start when they are unset or empty. */
export function requiredVariables(shape: ConfigShape): string[] {
  return Object.keys(shape)
    .filter((key) => !shape[key].safeParse(undefined).success)
    .sort();
}

const PROCESS_ENV = /process\.env(?:\.([A-Z][A-Z0-9_]*)|\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\])/g;

/** Variables read straight from process.env (outside config.ts) by the service's code or any lib it may use. */
export function variablesReadDirectly(service: string): string[] {
  const files = [
    ...listFiles('libs', (n) => n.endsWith('.ts') && !n.endsWith('.spec.ts')).filter((f) =>
      f.includes('/src/'),
    ),
    ...listFiles(`services/${service}/src`, (n) => n.endsWith('.ts') && !n.endsWith('.spec.ts')),
  ];
  const names = new Set<string>();
  for (const file of files) {
    for (const m of readFileSync(repoPath(file), 'utf8').matchAll(PROCESS_ENV)) names.add(m[1] ?? m[2]);
  }
  return [...names].sort();
}

/**
 * What the OpenTelemetry SDK reads from the environment itself in the way @mirror/platform starts it (the
 * exporter's URL comes from OTEL_EXPORTER_OTLP_ENDPOINT through config.ts): sampling, batching, the
 * collector's headers, timeout, compression and TLS files.
 */
export const OTEL_SDK_VARIABLES = [
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
  'OTEL_BSP_SCHEDULE_DELAY',
  'OTEL_BSP_MAX_QUEUE_SIZE',
  'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
  'OTEL_BSP_EXPORT_TIMEOUT',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  'OTEL_EXPORTER_OTLP_TIMEOUT',
  'OTEL_EXPORTER_OTLP_COMPRESSION',
  'OTEL_EXPORTER_OTLP_CERTIFICATE',
  'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE',
  'OTEL_EXPORTER_OTLP_CLIENT_KEY',
];

/**
 * Variables a deployment may set for the service: its shape, what its code reads directly, what the tracing
 * SDK reads, Node's own.
 */
export function knownVariables(service: string): Set<string> {
  return new Set([
    ...Object.keys(serviceConfigShape(service)),
    ...variablesReadDirectly(service),
    ...OTEL_SDK_VARIABLES,
    'NODE_ENV',
    'NODE_OPTIONS',
  ]);
}
