import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * A private nats-server (Debian's binary) with JetStream, for tests that stop and restart NATS.
 * The store directory survives restarts, as on a real server.
 */
export class LocalNatsServer {
  private proc?: ChildProcess;
  readonly storeDir = mkdtempSync(join(tmpdir(), 'nats-test-'));
  private constructor(readonly port: number) {}

  static async start(): Promise<LocalNatsServer> {
    const server = new LocalNatsServer(await freePort());
    await server.resume();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async resume(): Promise<void> {
    const bin = process.env.NATS_SERVER_BIN ?? 'nats-server';
    // the same limits as deploy/nats/nats.conf, without its fixed monitoring port
    const config = join(this.storeDir, 'nats.conf');
    writeFileSync(config, 'max_payload: 16MB\nmax_pending: 64MB\n');
    const args = ['-c', config, '-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir];
    this.proc = spawn(bin, args, { stdio: 'ignore' });
    const deadline = Date.now() + 10000;
    for (;;) {
      try {
        const nc = await connect({ servers: this.url, timeout: 500 });
        await nc.close();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`nats-server did not start on ${this.url}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
