import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as connectTcp, createServer } from 'node:net';
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

export interface LocalNatsServerOptions {
  /**
   * Configuration text included after the built-in limits (e.g. the bus's operator and resolver rendered by
   * @mirror/bus-auth). Such a server may refuse anonymous clients, so readiness is then probed on the
   * protocol's greeting instead of a connection.
   */
  include?: string;
}

/**
 * A private nats-server (Debian's binary) with JetStream, for tests that stop and restart NATS.
 * The store directory survives restarts, as on a real server.
 */
export class LocalNatsServer extends LocalServerProcess {
  readonly storeDir = mkdtempSync(join(tmpdir(), 'nats-test-'));

  protected constructor(
    port: number,
    private readonly options: LocalNatsServerOptions = {},
  ) {
    super(port);
  }

  static async start(options: LocalNatsServerOptions = {}): Promise<LocalNatsServer> {
    const server = new LocalNatsServer(await freePort(), options);
    await server.resume();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  protected command() {
    // the same limits as deploy/nats/nats.conf, without its fixed monitoring port
    const config = join(this.storeDir, 'nats.conf');
    let text = 'max_payload: 16MB\nmax_pending: 64MB\n';
    if (this.options.include !== undefined) {
      // nats-server resolves an include relative to the including file
      writeFileSync(join(this.storeDir, 'include.conf'), this.options.include);
      text += 'include ./include.conf\n';
    }
    writeFileSync(config, text);
    return {
      bin: process.env.NATS_SERVER_BIN ?? 'nats-server',
      args: ['-c', config, '-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir],
    };
  }

  protected async probe(): Promise<void> {
    if (this.options.include !== undefined) return greeting(this.port);
    const nc = await connect({ servers: this.url, timeout: 500 });
    await nc.close();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

/** Resolves once a NATS server on `port` sends its INFO line. */
function greeting(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    const timer = setTimeout(() => socket.destroy(new Error('no INFO from nats-server')), 500);
    socket.once('data', (chunk) => {
      clearTimeout(timer);
      socket.destroy();
      if (chunk.toString('utf8').startsWith('INFO ')) resolve();
      else reject(new Error('not a NATS server'));
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
