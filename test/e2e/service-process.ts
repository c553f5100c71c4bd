import { resolve } from 'node:path';
import { ManagedProcess } from '@mirror/demo';
import { artifact } from './browser';

const ROOT = resolve(__dirname, '..', '..');

/**
 * A service run from its sources as its own OS process, under the environment given (its own bus
 * credential among it), logging to `artifacts/<prefix>-<name>.log`; ready once `/readyz` answers.
 */
export function serviceProcess(
  prefix: string,
  name: string,
  port: number,
  env: Record<string, string | undefined>,
): ManagedProcess {
  // session-vision's worker threads load the models through its own register hook
  const register =
    name === 'session-vision'
      ? './services/session-vision/src/detection/swc-register.js'
      : './scripts/register-ts.js';
  return new ManagedProcess({
    name,
    command: process.execPath,
    args: ['-r', register, `services/${name}/src/main.ts`],
    env: { ...env, PORT: String(port) },
    readyUrl: `http://127.0.0.1:${port}/readyz`,
    logFile: artifact(`${prefix}-${name}.log`),
    cwd: ROOT,
  });
}
