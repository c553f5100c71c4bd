import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { serviceNatsEnv } from '@mirror/testing';
import { ManagedProcess } from './managed-process';
import type { SystemOptions } from './system';

const ROOT = resolve(__dirname, '..', '..', '..');

export interface RunningConsole {
  url: string;
  /** The operator account made for this run (sees every store). */
  signIn: { username: string; password: string };
  process: ManagedProcess;
}

/**
 * The staff console beside the running system, on `port`: an operator account made for this run with the
 * console's own command (`npm run console -- user add`), and registration through binding's fleet command
 * with the local bus authority (NATS_AUTH_DIR). Started after binding, whose statistics it shows.
 */
export async function startStaffConsole(
  options: Pick<SystemOptions, 'infra' | 'namespace' | 'logDir' | 'logLevel'> & { port: number },
): Promise<RunningConsole> {
  const signIn = { username: 'demo-operator', password: randomBytes(9).toString('base64url') };
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DATABASE_URL: options.infra.DATABASE_URL,
  };
  await promisify(execFile)(
    process.execPath,
    [
      join(ROOT, 'services/shop-console/dist/console.js'),
      'user',
      'add',
      signIn.username,
      '--role',
      'operator',
    ],
    { cwd: ROOT, env: { ...base, CONSOLE_PASSWORD: signIn.password } },
  );
  const authority = process.env.NATS_AUTH_DIR;
  const console = new ManagedProcess({
    name: 'shop-console',
    command: process.execPath,
    args: [join(ROOT, 'services/shop-console/dist/main.js')],
    cwd: ROOT,
    env: {
      ...base,
      LOG_LEVEL: options.logLevel ?? 'info',
      HOST: '127.0.0.1',
      PORT: String(options.port),
      NATS_URL: options.infra.NATS_URL,
      NATS_NAMESPACE: options.namespace,
      ...(await serviceNatsEnv('shop-console', options.namespace)),
      REDIS_URL: options.infra.REDIS_URL,
      REDIS_KEY_PREFIX: options.namespace ? `${options.namespace}:` : 'mirror:',
      // plain HTTP on this machine only
      CONSOLE_COOKIE_SECURE: 'false',
      ...(authority
        ? {
            FLEET_COMMAND: `${process.execPath} ${join(ROOT, 'services/binding/dist/fleet.js')}`,
            FLEET_AUTHORITY_DIR: authority,
          }
        : {}),
    },
    readyUrl: `http://127.0.0.1:${options.port}/readyz`,
    logFile: join(options.logDir, 'shop-console.log'),
  });
  console.start();
  await console.waitReady(60000);
  return { url: `http://127.0.0.1:${options.port}/`, signIn, process: console };
}
