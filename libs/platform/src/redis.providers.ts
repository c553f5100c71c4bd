import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type Redis from 'ioredis';
import { HealthRegistry } from './health.registry';
import { createRedis, redisHealth, type RedisOptions } from './redis';

/** Injection token of the service's shared ioredis client. */
export const REDIS = Symbol('REDIS');

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Provides REDIS (connecting in the background: the service starts, and reports not-ready, while Redis is away). */
export function redisProviders(options: RedisOptions): Provider[] {
  return [
    {
      provide: REDIS,
      inject: [HealthRegistry],
      useFactory: (health: HealthRegistry) => {
        const redis = createRedis(options);
        redis.on('error', () => undefined); // reconnects by itself; readiness reports the outage
        void redis.connect().catch(() => undefined);
        health.register(redisHealth(redis));
        return redis;
      },
    },
    RedisCloser,
  ];
}
