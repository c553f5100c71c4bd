import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '@mirror/contracts';
import { serviceNatsEnv } from '@mirror/testing';
import { ManagedProcess } from './managed-process';

export { SERVICE_NAMES, type ServiceName };

export interface SystemOptions {
  /** Dependencies, as written by scripts/infra.sh to .infra/env. */
  infra: {
    NATS_URL: string;
    DATABASE_URL: string;
    REDIS_URL: string;
    S3_ENDPOINT: string;
    S3_ACCESS_KEY: string;
    S3_SECRET_KEY: string;
    S3_BUCKET: string;
  };
  /** Ports: gateway = base, then qr-issuer, photo-store, session-vision, binding; the sandbox = base + 90. */
  basePort: number;
  /** Subjects/streams prefix and Redis key prefix (empty for the demo; unique per e2e run). */
  namespace: string;
  logDir: string;
  logLevel?: string;
  /** Extra variables per service (e.g. shorter vision timeouts in tests). */
  extraEnv?: Partial<Record<ServiceName | 'sandbox', Record<string, string>>>;
}

export interface RunningSystem {
  sandbox: ManagedProcess;
  services: Record<ServiceName, ManagedProcess>;
  urls: { gateway: string; sandbox: string; qrIssuer: string };
  secrets: { appId: string; token: string; encodingAesKey: string };
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '..', '..', '..');

const INFRA_KEYS = [
  'NATS_URL',
  'DATABASE_URL',
  'REDIS_URL',
  'S3_ENDPOINT',
  'S3_ACCESS_KEY',
  'S3_SECRET_KEY',
  'S3_BUCKET',
] as const satisfies readonly (keyof SystemOptions['infra'])[];

/** The dependencies from the environment (`.infra/env`); `hint` says how to get them when some are missing. */
export function infraFromEnv(hint: string): SystemOptions['infra'] {
  const missing = INFRA_KEYS.filter((k) => !process.env[k]);
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: ${hint}`);
  return Object.fromEntries(INFRA_KEYS.map((k) => [k, process.env[k]!])) as SystemOptions['infra'];
}

/** Alphanumerics only, as WeChat's EncodingAESKey and tokens are. */
function randomAlnum(length: number): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (b) => chars[b % chars.length]).join('');
}

/**
 * Starts the WeChat sandbox and the five services as separate OS processes (each built under dist/),
 * wired together exactly as in production but for WeChat's base URLs. Secrets are made up per run.
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const { basePort, infra, namespace } = options;
  mkdirSync(options.logDir, { recursive: true });
  const secrets = {
    appId: 'wx' + randomBytes(8).toString('hex'),
    appSecret: randomBytes(16).toString('hex'),
    token: randomAlnum(32),
    encodingAesKey: randomAlnum(43),
    oauthStateSecret: randomBytes(24).toString('hex'),
    cookieSecret: randomBytes(24).toString('hex'),
  };
  const port = (i: number) => basePort + i;
  const gatewayUrl = `http://127.0.0.1:${port(0)}`;
  const sandboxUrl = `http://127.0.0.1:${port(90)}`;
  const common: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: options.logLevel ?? 'info',
    HOST: '127.0.0.1',
    NATS_URL: infra.NATS_URL,
    NATS_NAMESPACE: namespace,
    REDIS_URL: infra.REDIS_URL,
    REDIS_KEY_PREFIX: namespace ? `${namespace}:` : 'mirror:',
  };
  const wechatApi = {
    WECHAT_APP_ID: secrets.appId,
    WECHAT_APP_SECRET: secrets.appSecret,
    WECHAT_API_BASE: sandboxUrl,
    WECHAT_MP_BASE: sandboxUrl,
    WECHAT_OPEN_BASE: sandboxUrl,
  };
  const publicWeb = {
    PUBLIC_BASE_URL: gatewayUrl,
    OAUTH_STATE_SECRET: secrets.oauthStateSecret,
    COOKIE_SECRET: secrets.cookieSecret,
  };
  const envs: Record<ServiceName, NodeJS.ProcessEnv> = {
    'wechat-gateway': {
      WECHAT_APP_ID: secrets.appId,
      WECHAT_TOKEN: secrets.token,
      WECHAT_ENCODING_AES_KEY: secrets.encodingAesKey,
      ...publicWeb,
    },
    'qr-issuer': { ...wechatApi },
    'photo-store': {
      S3_ENDPOINT: infra.S3_ENDPOINT,
      S3_PUBLIC_URL: infra.S3_ENDPOINT,
      S3_ACCESS_KEY: infra.S3_ACCESS_KEY,
      S3_SECRET_KEY: infra.S3_SECRET_KEY,
      S3_BUCKET: infra.S3_BUCKET,
    },
    // one detection worker: in the demo and e2e all five services share the machine's two cores
    'session-vision': { VISION_WORKERS: '1' },
    // photos taken after the scan are announced a few seconds after the last one (20 s in production)
    binding: {
      DATABASE_URL: infra.DATABASE_URL,
      ...wechatApi,
      ...publicWeb,
      PHOTO_PUSH_DEBOUNCE_SECONDS: '3',
      PHOTO_PUSH_INTERVAL_MS: '1000',
    },
  };
  const sandbox = new ManagedProcess({
    name: 'wechat-sandbox',
    command: process.execPath,
    args: [join(ROOT, 'tools/wechat-sandbox/dist/main.js')],
    cwd: ROOT,
    env: {
      ...common,
      SANDBOX_PORT: String(port(90)),
      SANDBOX_APP_ID: secrets.appId,
      SANDBOX_APP_SECRET: secrets.appSecret,
      SANDBOX_TOKEN: secrets.token,
      SANDBOX_ENCODING_AES_KEY: secrets.encodingAesKey,
      SANDBOX_CALLBACK_URL: `${gatewayUrl}/wechat`,
      ...options.extraEnv?.sandbox,
    },
    logFile: join(options.logDir, 'wechat-sandbox.log'),
  });
  // on a locked bus (NATS_AUTH_DIR: the local authority) each service signs in with its own credential
  const credentials = Object.fromEntries(
    await Promise.all(
      SERVICE_NAMES.map(async (name) => [name, await serviceNatsEnv(name, namespace)] as const),
    ),
  ) as Record<ServiceName, { NATS_CREDS?: string }>;
  const services = {} as Record<ServiceName, ManagedProcess>;
  SERVICE_NAMES.forEach((name, i) => {
    services[name] = new ManagedProcess({
      name,
      command: process.execPath,
      args: [join(ROOT, `services/${name}/dist/main.js`)],
      cwd: ROOT,
      env: {
        ...common,
        PORT: String(port(i)),
        ...envs[name],
        ...credentials[name],
        ...options.extraEnv?.[name],
      },
      readyUrl: `http://127.0.0.1:${port(i)}/readyz`,
      logFile: join(options.logDir, `${name}.log`),
    });
  });
  const all = [sandbox, ...Object.values(services)];
  const stop = async () => {
    await Promise.all(all.map((p) => p.stop()));
    all.forEach((p) => p.closeLog());
  };
  try {
    sandbox.start();
    await waitHttp(`${sandboxUrl}/_sandbox/calls`);
    // binding first: it applies the database migrations
    services.binding.start();
    await services.binding.waitReady(90000);
    for (const name of SERVICE_NAMES) services[name].start();
    await Promise.all(SERVICE_NAMES.map((name) => services[name].waitReady(90000)));
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    sandbox,
    services,
    urls: { gateway: gatewayUrl, sandbox: sandboxUrl, qrIssuer: `http://127.0.0.1:${port(1)}` },
    secrets,
    stop,
  };
}

async function waitHttp(url: string, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
