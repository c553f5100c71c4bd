import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { LocalServerProcess } from './local-server';

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
export class LocalNatsServer extends LocalServerProcess {
  readonly storeDir = mkdtempSync(join(tmpdir(), 'nats-test-'));

  static async start(): Promise<LocalNatsServer> {
    const server = new LocalNatsServer(await freePort());
    await server.resume();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  protected command() {
    // the same limits as deploy/nats/nats.conf, without its fixed monitoring port
    const config = join(this.storeDir, 'nats.conf');
    writeFileSync(config, 'max_payload: 16MB\nmax_pending: 64MB\n');
    return {
      bin: process.env.NATS_SERVER_BIN ?? 'nats-server',
      args: ['-c', config, '-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir],
    };
  }

  protected async probe(): Promise<void> {
    const nc = await connect({ servers: this.url, timeout: 500 });
    await nc.close();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
