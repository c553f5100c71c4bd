import { Inject, Injectable } from '@nestjs/common';
import { Events, MirrorSubjects, mirrorDisplay } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';
import { QrImageSigner } from './qr-image.signer';
import { QR_SETTINGS, type QrSettings } from './qr.settings';
import type { SessionQr } from './session-qr.repository';

/** Everything qr-issuer says on NATS, each payload encoded (and checked) through its contract. */
@Injectable()
export class QrEventsPublisher {
  constructor(
    private readonly nats: NatsClient,
    private readonly signer: QrImageSigner,
    @Inject(QR_SETTINGS) private readonly settings: QrSettings,
  ) {}

  /**
   * `qr.issued` on JetStream (msgID = sessionId: a republish within the duplicate window is a no-op),
   * then the mirror's screen (core NATS: a screen that is off simply misses it and asks again).
   */
  async announce(qr: SessionQr): Promise<void> {
    const expiresAt = new Date(qr.expiresAt).toISOString();
    await this.nats.publish(
      Events.qrIssued,
      {
        sessionId: qr.sessionId,
        mirrorId: qr.mirrorId,
        scene: qr.scene,
        ticket: qr.ticket,
        url: qr.url,
        expiresAt,
      },
      { msgID: qr.sessionId },
    );
    this.nats.emit(mirrorDisplay, MirrorSubjects.of('display', qr.mirrorId), {
      kind: 'qr',
      sessionId: qr.sessionId,
      url: qr.url,
      // unset base: the mirror renders `url` itself; set: a signed link that expires (see QrImageSigner)
      ...(this.settings.imageBaseUrl
        ? { imageUrl: this.signer.signedUrl(this.settings.imageBaseUrl, qr.sessionId, 'png', qr.expiresAt) }
        : {}),
      expiresAt,
    });
  }
}
