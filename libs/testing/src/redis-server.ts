import Redis from 'ioredis';
import { LocalServerProcess } from './local-server';
import { freePort } from './nats-server';

/** A private redis-server (no persistence) for tests that stop and restart Redis. */
export class LocalRedisServer extends LocalServerProcess {
  static async start(): Promise<LocalRedisServer> {
    const server = new LocalRedisServer(await freePort());
    await server.resume();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  protected command() {
    return {
      bin: process.env.REDIS_SERVER_BIN ?? 'redis-server',
      args: ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    };
  }

  protected async probe(): Promise<void> {
    const probe = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      await probe.connect();
      await probe.ping();
    } finally {
      probe.disconnect();
    }
  }
}
