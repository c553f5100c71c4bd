import { Module } from '@nestjs/common';
import { MirrorCodeController } from './mirror-code.controller';
import { PermanentQrRepository } from './permanent-qr.repository';
import { PermanentQrService } from './permanent-qr.service';
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

/**
 * Session QR codes (durable, idempotent), `qr.issue` for any kind (permanent codes issued once), the images for
 * mirror screens and mirrors' permanent codes for print (signed links).
 */
@Module({
  controllers: [MirrorCodeController, QrImageController, QrHandler],
  providers: [
    QrService,
    PermanentQrService,
    PermanentQrRepository,
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
