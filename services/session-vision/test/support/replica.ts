import { type ChildProcess, spawn } from 'child_process';
import { join } from 'path';
import { freePort, waitFor } from '@mirror/testing';

const ROOT = join(__dirname, '../../../..');
const REGISTER = join(ROOT, 'services/session-vision/src/detection/swc-register.js');
const MAIN = join(ROOT, 'services/session-vision/src/main.ts');

/** One session-vision process started from the sources, as a replica would run. */
export class Replica {
  private exited: Promise<number | null>;
  private output = '';

  private constructor(
    readonly id: string,
    readonly port: number,
    private readonly proc: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
      if (process.env.TEST_LOG_LEVEL) process.stderr.write(`[${id}] ${chunk.toString()}`);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
  }

  static async start(id: string, env: Record<string, string>): Promise<Replica> {
    const port = await freePort();
    const proc = spawn(process.execPath, ['-r', REGISTER, MAIN], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        PORT: String(port),
        REPLICA_ID: id,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const replica = new Replica(id, port, proc);
    try {
      await waitFor(async () => (await fetch(`${replica.url}/readyz`)).ok, 60_000, 200);
    } catch (err) {
      replica.kill();
      throw new Error(`replica ${id} did not become ready: ${String(err)}\n${replica.output}`);
    }
    return replica;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Reads one counter of /metrics (0 when absent). */
  async counter(name: string, labels: string): Promise<number> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    const prefix = labels ? `${name}{${labels}} ` : `${name} `;
    const line = text.split('\n').find((l) => l.startsWith(prefix));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  /** The values of one label across a metric's series in /metrics. */
  async labelValues(name: string, label: string): Promise<string[]> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    const re = new RegExp(`^${name}\\{[^}]*${label}="([^"]*)"`);
    return text
      .split('\n')
      .map((l) => re.exec(l)?.[1])
      .filter((v): v is string => v !== undefined);
  }

  /** A crash: no shutdown hooks, no lease released. */
  kill(): void {
    this.killed = true;
    this.proc.kill('SIGKILL');
  }

  /** Whether kill() was called. */
  killed = false;

  async stop(): Promise<number | null> {
    this.proc.kill('SIGTERM');
    return this.exited;
  }
}
