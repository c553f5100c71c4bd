import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@mirror/nats';
import { REDIS, WECHAT_API } from '@mirror/platform';
import type { AppConfig } from './config';
import { infrastructure } from './infrastructure';
import { QrModule } from './qr/qr.module';

/** The service's dependencies (Redis, the WeChat API), visible to every feature module. */
@Module({})
class InfrastructureModule {}

/** qr-issuer: the shared WeChat access_token and QR tickets for sessions and mirrors. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        NatsModule.forRoot({
          config,
          name: 'qr-issuer',
          streams: ['SESSIONS', 'QR'],
        }),
        {
          module: InfrastructureModule,
          global: true,
          providers: infrastructure(config),
          exports: [REDIS, WECHAT_API],
        },
        QrModule.register(config),
      ],
    };
  }
}
