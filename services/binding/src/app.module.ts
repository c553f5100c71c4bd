import { Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@mirror/nats';
import type { AppConfig } from './config';
import { infrastructure } from './infrastructure';

/** binding: the Postgres record joining sessions, scenes, photos and WeChat users. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        NatsModule.forRoot({
          servers: config.NATS_URL,
          namespace: config.NATS_NAMESPACE,
          name: 'binding',
          streams: ['SESSIONS', 'QR', 'PHOTOS', 'WECHAT'],
        }),
      ],
      providers: [...infrastructure(config)],
    };
  }
}
