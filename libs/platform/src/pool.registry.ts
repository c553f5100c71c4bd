import { Injectable, type OnApplicationShutdown } from '@nestjs/common';

/** A pool (Postgres, Redis, worker threads) and how to close it. */
export interface ClosablePool {
  readonly name: string;
  close(): unknown;
}

/**
 * Pools to close once nothing can use them any more: the message transport has stopped and finished its
 * in-flight work, and NATS is drained. They close in PlatformModule's `onApplicationShutdown`, which Nest
 * runs after every other module's: non-global modules shut down first, then global ones in reverse order
 * of registration, and PlatformModule is the first module bootstrapService registers. A pool closed by a
 * module's own hook would close before NatsModule drains whenever that module is imported after it.
 */
@Injectable()
export class PoolRegistry implements OnApplicationShutdown {
  private readonly pools: ClosablePool[] = [];

  register(pool: ClosablePool): void {
    this.pools.push(pool);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.pools.map(async (p) => p.close()));
  }
}
