import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort, waitFor } from '@mirror/testing';

const ROOT = join(__dirname, '../../../..');
const REGISTER = join(__dirname, 'swc-register.js');
const MAIN = join(ROOT, 'services/photo-store/src/main.ts');

/** photo-store as its own OS process, started from the sources (main.ts, the production entry point). */
export class PhotoStoreProcess {
  private output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    private readonly proc: ChildProcess,
    readonly port: number,
  ) {
    this.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
      if (process.env.TEST_LOG_LEVEL) process.stderr.write(`[photo-store ${proc.pid}] ${chunk.toString()}`);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
  }

  static async start(env: Record<string, string>): Promise<PhotoStoreProcess> {
    const port = await freePort();
    const proc = spawn(process.execPath, ['-r', REGISTER, MAIN], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const child = new PhotoStoreProcess(proc, port);
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 60_000, 200);
    } catch (e) {
      proc.kill('SIGKILL');
      throw new Error(`photo-store did not become ready: ${String(e)}\n${child.output}`);
    }
    return child;
  }

  /** The crash: no shutdown hooks, no acks, nothing flushed. */
  async kill(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  /** A clean stop, as an orchestrator asks for one. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM');
    return this.exited;
  }

  get log(): string {
    return this.output;
  }
}
