import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { mirrorOfScene, type QrIssued } from '@mirror/contracts';
import { Clock, LOGGER, MetricsService } from '@mirror/platform';
import type { ScanOutcome } from '../database/entities/scan.entity';
import { UnitOfWork } from '../database/unit-of-work';
import { SessionRepository } from '../sessions/session.repository';
import { DisplayPublisher } from '../shared/display.publisher';
import { Messages } from '../shared/messages';
import { ClaimRepository, type Decision } from './claim.repository';

export interface ScanInput {
  eventId: string;
  openid: string;
  scene: string;
  newFollower: boolean;
  at: Date;
  /** The scene came in a product code's ExtInfo rather than a QR code. */
  viaProduct?: boolean;
}

/**
 * What a scan amounts to; `pending` means the scene is not known (yet), `welcome` that a mirror's code
 * claimed nothing (no session open on the mirror, or someone else's): the customer is welcomed instead.
 * `scene` is the session's own scene the scan counts for (a mirror's code resolves to it).
 */
export interface ScanResult {
  outcome: ScanOutcome;
  openid: string;
  scene: string;
  sessionId: string | null;
}

interface Claimed {
  mirrorId: string;
  sessionId: string;
}

/**
 * Claims: the first openid to scan a session's QR code claims the session (the rule: claim-rule.ts). One
 * code path for the gateway's synchronous `binding.reply.scan` and the durable `wechat.qr.scanned`,
 * idempotent by event id; and the scene's `qr.issued`, which decides the scans that came before it.
 */
@Injectable()
export class ClaimService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly claims: ClaimRepository,
    private readonly sessions: SessionRepository,
    private readonly display: DisplayPublisher,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Records a scan and claims its session when it is the first; a repeat of the same event changes nothing.
   * A mirror's permanent code (`m:<mirrorId>`) counts as a scan of the code of the session open on that
   * mirror, under the same rule; when it claims nothing (no session open, someone else's, expired) the
   * customer is welcomed (`welcome`) rather than told about a code they never saw.
   */
  async recordScan(input: ScanInput): Promise<ScanResult> {
    const decision = await this.claims.recordScan(input);
    this.decided(decision);
    if (decision.claimed) this.announce([{ mirrorId: decision.mirrorId!, sessionId: decision.sessionId! }]);
    const result: ScanResult = {
      outcome: decision.outcome,
      openid: input.openid,
      scene: input.scene,
      sessionId: decision.sessionId,
    };
    if (mirrorOfScene(input.scene) === null) return result;
    if (decision.outcome !== 'claimed' && decision.outcome !== 'own')
      return { ...result, outcome: 'welcome' };
    return { ...result, scene: (await this.claims.scanScene(input.eventId)) ?? input.scene };
  }

  /** Whether a scene is the QR code of a session binding knows (a product's ExtInfo may name one). */
  sceneKnown(scene: string): Promise<boolean> {
    return this.claims.sceneKnown(scene);
  }

  /** Records the session's QR code; scans that came before it are now decided, first scanner first. */
  async recordQrIssued(event: QrIssued): Promise<void> {
    const claimed: Claimed[] = [];
    await this.uow.transaction(async () => {
      await this.claims.lockScene(event.scene);
      await this.sessions.touchMirror(event.mirrorId, this.clock.date());
      await this.sessions.ensureSession(event.sessionId, event.mirrorId);
      await this.claims.insertScene({
        scene: event.scene,
        sessionId: event.sessionId,
        ticket: event.ticket,
        url: event.url,
        expiresAt: new Date(event.expiresAt),
      });
      for (const eventId of await this.claims.pendingScans(event.scene)) {
        const decision = await this.claims.evaluateScan(eventId);
        this.decided(decision);
        if (decision.claimed) claimed.push({ mirrorId: decision.mirrorId!, sessionId: decision.sessionId! });
      }
    });
    this.announce(claimed);
  }

  /** Shows the claim on the mirror (after commit: the screen must never announce a claim that was rolled back). */
  private announce(claimed: Claimed[]): void {
    for (const c of claimed) {
      try {
        this.display.notice(c.mirrorId, c.sessionId, Messages.mirrorClaimed);
      } catch (e) {
        this.logger.warn({ err: e, sessionId: c.sessionId }, 'claim notice not shown');
      }
    }
  }

  private decided(decision: Decision): void {
    if (!decision.evaluated) return;
    this.metrics
      .counter('binding_scans_total', 'QR scans by outcome', ['outcome'])
      .inc({ outcome: decision.outcome });
  }
}
