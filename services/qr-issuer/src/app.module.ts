import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@mirror/nats';
import type { AppConfig } from './config';
import { infrastructure } from './infrastructure';

/** qr-issuer: the shared WeChat access_token and QR tickets for sessions and mirrors. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        NatsModule.forRoot({
          servers: config.NATS_URL,
          namespace: config.NATS_NAMESPACE,
          name: 'qr-issuer',
          streams: ['SESSIONS', 'QR'],
        }),
      ],
      providers: [...infrastructure(config)],
    };
  }
}
