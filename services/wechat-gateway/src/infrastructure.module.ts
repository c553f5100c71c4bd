import { Global, Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@mirror/nats';
import { REDIS, redisProviders } from '@mirror/platform';
import type Redis from 'ioredis';
import { CALLBACK_SETTINGS, callbackSettings } from './callback/callback.settings';
import { SERVICE_NAME, type AppConfig } from './config';
import { LINKS_SETTINGS, linksSettings } from './links/links.settings';
import { ME_SETTINGS, meSettings } from './me/me.settings';
import { OAUTH_SETTINGS, oauthSettings } from './oauth/oauth.settings';

/**
 * Under load many callbacks reach Redis in the same tick; auto-pipelining sends their commands in one
 * write instead of one syscall each (a fifth to a third more callbacks per second in bench/gateway).
 */
@Injectable()
class RedisAutoPipelining {
  constructor(@Inject(REDIS) redis: Redis) {
    redis.options.enableAutoPipelining = true;
  }
}

/**
 * Everything the gateway's features share, built from the config (the only place that reads it): NATS (the
 * WECHAT stream it publishes to), Redis (nonces, de-duplication records, used OAuth states), and one
 * settings value per feature.
 */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: AppConfig): DynamicModule {
    const settings = [
      { provide: CALLBACK_SETTINGS, useValue: callbackSettings(config) },
      { provide: OAUTH_SETTINGS, useValue: oauthSettings(config) },
      { provide: ME_SETTINGS, useValue: meSettings(config) },
      { provide: LINKS_SETTINGS, useValue: linksSettings(config) },
    ];
    return {
      module: InfrastructureModule,
      imports: [NatsModule.forRoot({ config, name: SERVICE_NAME, streams: ['WECHAT'] })],
      providers: [
        ...redisProviders({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, name: SERVICE_NAME }),
        RedisAutoPipelining,
        ...settings,
      ],
      exports: [REDIS, ...settings.map((s) => s.provide)],
    };
  }
}
