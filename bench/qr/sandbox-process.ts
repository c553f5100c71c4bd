import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort, waitFor } from '@mirror/testing';

const ROOT = join(__dirname, '../..');

/** The WeChat sandbox in a process of its own, as WeChat is a server of its own; driven over its control API. */
export class SandboxProcess {
  private constructor(
    private readonly proc: ChildProcess,
    readonly url: string,
    readonly appId: string,
    readonly appSecret: string,
  ) {}

  /** `tokenGraceSeconds`: how long a token lives on after a newer one was fetched (WeChat: about 300). */
  static async start(tokenGraceSeconds = 300): Promise<SandboxProcess> {
    const port = await freePort();
    const appId = 'wxbench0123456789';
    const appSecret = 'bench-secret-0123456789abcdef';
    const proc = spawn(
      process.execPath,
      ['-r', join(__dirname, 'register.js'), join(ROOT, 'tools/wechat-sandbox/src/main.ts')],
      {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: {
          ...process.env,
          SANDBOX_PORT: String(port),
          SANDBOX_APP_ID: appId,
          SANDBOX_APP_SECRET: appSecret,
          SANDBOX_TOKEN: 'bench-callback-token',
          SANDBOX_TOKEN_GRACE_SECONDS: String(tokenGraceSeconds),
        },
      },
    );
    const sandbox = new SandboxProcess(proc, `http://127.0.0.1:${port}`, appId, appSecret);
    await waitFor(async () => (await fetch(`${sandbox.url}/_sandbox/health`)).ok, 30_000, 100);
    return sandbox;
  }

  /** Calls per endpoint so far. */
  async counts(): Promise<Record<string, number>> {
    const body = (await (await fetch(`${this.url}/_sandbox/calls`)).json()) as {
      counts: Record<string, number>;
    };
    return body.counts;
  }

  /** Someone else fetched a token: the current ones die at once (→ 40001). */
  async rotateToken(): Promise<void> {
    await fetch(`${this.url}/_sandbox/rotate-token`, { method: 'POST', body: '{"graceMs":0}' });
  }

  stop(): void {
    this.proc.kill('SIGTERM');
  }
}
