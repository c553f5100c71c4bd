import { Global, Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@mirror/nats';
import { REDIS, WECHAT_API, redisProviders, wechatApiProvider } from '@mirror/platform';
import { SERVICE_NAME, type AppConfig } from './config';
import { QR_SETTINGS, qrSettings } from './qr/qr.settings';

/**
 * Everything qr-issuer's feature uses, built from the config (the only place that reads it): NATS, Redis
 * (readiness; closed after the NATS drain), the WeChat API on that Redis (the shared access_token), and the
 * QR feature's settings.
 */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: InfrastructureModule,
      imports: [NatsModule.forRoot({ config, name: SERVICE_NAME, streams: ['SESSIONS', 'QR'] })],
      providers: [
        ...redisProviders({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, name: SERVICE_NAME }),
        wechatApiProvider(config),
        { provide: QR_SETTINGS, useValue: qrSettings(config) },
      ],
      exports: [REDIS, WECHAT_API, QR_SETTINGS],
    };
  }
}
