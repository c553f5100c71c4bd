import { Module, type DynamicModule } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { NatsClient } from '@mirror/nats';
import { LOGGER, MetricsService, REDIS, WECHAT_API } from '@mirror/platform';
import type { WeChatApi } from '@mirror/wechat';
import type { AppConfig } from '../config';
import { Clock } from './clock';
import { QrEventsPublisher } from './qr-events.publisher';
import { QrImageController } from './qr-image.controller';
import { QrImageRenderer } from './qr-image.renderer';
import { QrHandler } from './qr.handler';
import { QrMetrics } from './qr.metrics';
import { QrService } from './qr.service';
import { SceneTokenGenerator } from './scene-token';
import { SessionQrRepository } from './session-qr.repository';
import { WeChatQrRepository } from './wechat-qr.repository';

/** Session QR codes (durable, idempotent), `qr.issue` for any kind, and the images for mirror screens. */
@Module({})
export class QrModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: QrModule,
      controllers: [QrImageController],
      providers: [
        QrHandler,
        { provide: Clock, useValue: new Clock() },
        { provide: SceneTokenGenerator, useValue: new SceneTokenGenerator() },
        { provide: QrImageRenderer, useValue: new QrImageRenderer() },
        { provide: QrMetrics, inject: [MetricsService], useFactory: (m: MetricsService) => new QrMetrics(m) },
        {
          provide: SessionQrRepository,
          inject: [REDIS],
          useFactory: (redis: Redis) => new SessionQrRepository(redis),
        },
        {
          provide: WeChatQrRepository,
          inject: [WECHAT_API],
          useFactory: (api: WeChatApi) => new WeChatQrRepository(api),
        },
        {
          provide: QrEventsPublisher,
          inject: [NatsClient],
          useFactory: (nats: NatsClient) => new QrEventsPublisher(nats, config.QR_IMAGE_BASE_URL),
        },
        {
          provide: QrService,
          inject: [
            WeChatQrRepository,
            SessionQrRepository,
            QrEventsPublisher,
            SceneTokenGenerator,
            QrImageRenderer,
            Clock,
            QrMetrics,
            LOGGER,
          ],
          useFactory: (
            wechat: WeChatQrRepository,
            sessions: SessionQrRepository,
            publisher: QrEventsPublisher,
            scenes: SceneTokenGenerator,
            renderer: QrImageRenderer,
            clock: Clock,
            metrics: QrMetrics,
            logger: Logger,
          ) =>
            new QrService(
              wechat,
              sessions,
              publisher,
              scenes,
              renderer,
              clock,
              metrics,
              {
                expireSeconds: config.QR_EXPIRE_SECONDS,
              },
              logger,
            ),
        },
      ],
    };
  }
}
