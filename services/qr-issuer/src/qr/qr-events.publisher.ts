import { Events, MirrorSubjects, mirrorDisplay } from '@mirror/contracts';
import type { NatsClient } from '@mirror/nats';
import type { SessionQr } from './session-qr.repository';

/** Everything qr-issuer says on NATS. */
export class QrEventsPublisher {
  constructor(
    private readonly nats: NatsClient,
    /** Public base of this service's HTTP port, for `imageUrl`; unset → the mirror renders `url` itself. */
    private readonly imageBaseUrl?: string,
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
      ...(this.imageBaseUrl ? { imageUrl: this.imageUrl(qr.sessionId, 'png') } : {}),
      expiresAt,
    });
  }

  private imageUrl(sessionId: string, format: 'png' | 'svg'): string {
    return `${this.imageBaseUrl!.replace(/\/+$/, '')}/qr/${sessionId}.${format}`;
  }
}
