import { parseYamlFile } from './manifests';

/** A compose service (the fields these checks read). */
export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: string | string[];
  ports?: (string | { published?: string | number; target: number })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  restart?: string;
  user?: string;
  secrets?: (string | { source: string; target?: string })[];
  profiles?: string[];
}

/** docker-compose.yml after YAML anchors and merge keys (`<<`), before variable interpolation. */
export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** docker-compose.yml, parsed with merge keys resolved. */
export function loadCompose(file = 'docker-compose.yml'): ComposeFile {
  const [doc] = parseYamlFile(file);
  return doc as ComposeFile;
}

/** Thrown where compose itself would stop: a `${VAR:?message}` whose variable is unset. */
export class MissingVariableError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable}: ${detail}`);
    this.name = 'MissingVariableError';
  }
}

const REFERENCE = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** One `$VAR` / `${VAR…}` in a compose value. */
export interface VariableUse {
  name: string;
  /** '', '-', ':-', '?', ':?', '+', ':+' */
  operator: string;
  argument: string;
}

/** The variables a compose value refers to (`$$` is a literal dollar, not a reference). */
export function variableUses(text: string): VariableUse[] {
  const out: VariableUse[] = [];
  for (const m of text.matchAll(REFERENCE)) {
    if (m[1]) continue;
    out.push({ name: m[2] ?? m[5], operator: m[3] ?? '', argument: m[4] ?? '' });
  }
  return out;
}

/** Compose's variable interpolation (`$$`, `$VAR`, `${VAR}`, `:-`, `-`, `:?`, `?`, `:+`, `+`). */
export function interpolate(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(
    REFERENCE,
    (_all, dollar: string, braced: string, op: string, arg: string, bare: string) => {
      if (dollar) return '$';
      const name = braced ?? bare;
      const value = vars[name];
      const unset = value === undefined;
      const empty = unset || value === '';
      switch (op) {
        case ':-':
          return empty ? arg : value;
        case '-':
          return unset ? arg : value;
        case ':?':
          if (empty) throw new MissingVariableError(name, arg || 'required but unset or empty');
          return value;
        case '?':
          if (unset) throw new MissingVariableError(name, arg || 'required but unset');
          return value;
        case ':+':
          return empty ? '' : arg;
        case '+':
          return unset ? '' : arg;
        default:
          return value ?? '';
      }
    },
  );
}

/** A service's `environment` as a map (list form `KEY=VALUE` accepted), values not yet interpolated. */
export function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((line) => {
        const eq = line.indexOf('=');
        return eq < 0 ? [line, ''] : [line.slice(0, eq), line.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** The environment a compose service's process gets, with the variables of an env file. */
export function resolvedEnvironment(
  service: ComposeService,
  vars: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environmentOf(service)).map(([k, v]) => [k, interpolate(v, vars)]),
  );
}

/** The command as an argument list. */
export function commandOf(service: ComposeService): string[] {
  const c = service.command;
  return c === undefined ? [] : Array.isArray(c) ? c.map(String) : c.split(/\s+/).filter(Boolean);
}

/** depends_on in its long form (short-form entries get compose's default, service_started). */
export function dependenciesOf(service: ComposeService): Record<string, string> {
  const d = service.depends_on ?? {};
  if (Array.isArray(d)) return Object.fromEntries(d.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(d).map(([name, v]) => [name, v?.condition ?? 'service_started']));
}
