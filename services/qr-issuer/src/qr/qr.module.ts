import { Module } from '@nestjs/common';
import { QrEventsPublisher } from './qr-events.publisher';
import { QrImageController } from './qr-image.controller';
import { QrImageRenderer } from './qr-image.renderer';
import { QrImageSigner } from './qr-image.signer';
import { QrHandler } from './qr.handler';
import { QrMetrics } from './qr.metrics';
import { QrService } from './qr.service';
import { SceneTokenGenerator } from './scene-token.generator';
import { SessionQrRepository } from './session-qr.repository';
import { WeChatQrRepository } from './wechat-qr.repository';

/** Session QR codes (durable, idempotent), `qr.issue` for any kind, and the images for mirror screens (signed links). */
@Module({
  controllers: [QrImageController, QrHandler],
  providers: [
    QrService,
    QrEventsPublisher,
    QrImageRenderer,
    QrImageSigner,
    QrMetrics,
    SceneTokenGenerator,
    SessionQrRepository,
    WeChatQrRepository,
  ],
})
export class QrModule {}
