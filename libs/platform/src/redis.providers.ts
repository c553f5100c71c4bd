import type { Provider } from '@nestjs/common';
import { HealthRegistry } from './health.registry';
import { PoolRegistry } from './pool.registry';
import { createRedis, redisHealth, type RedisOptions } from './redis';

/** Injection token of the service's shared ioredis client. */
export const REDIS = Symbol('REDIS');

/**
 * Provides REDIS (connecting in the background: the service starts, and reports not-ready, while Redis is
 * away); it closes with the other pools, after message handling has stopped and NATS has drained.
 */
export function redisProviders(options: RedisOptions): Provider[] {
  return [
    {
      provide: REDIS,
      inject: [HealthRegistry, PoolRegistry],
      useFactory: (health: HealthRegistry, pools: PoolRegistry) => {
        const redis = createRedis(options);
        redis.on('error', () => undefined); // reconnects by itself; readiness reports the outage
        void redis.connect().catch(() => undefined);
        health.register(redisHealth(redis));
        pools.register({ name: 'redis', close: () => redis.quit().catch(() => redis.disconnect()) });
        return redis;
      },
    },
  ];
}
