import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { LOGGER, MetricsService } from '@mirror/platform';
import type { ScanOutcome } from '../database/entities/scan.entity';
import { DisplayPublisher } from '../shared/display.publisher';
import { Messages } from '../replies/messages';
import { ClaimRepository, type Decision } from './claim.repository';

export interface ScanInput {
  eventId: string;
  openid: string;
  scene: string;
  newFollower: boolean;
  at: Date;
}

/** What a scan amounts to; `pending` means the scene is not known (yet). */
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
 * Claims: the first openid to scan a session's QR code claims the session. One code path for the
 * gateway's synchronous `binding.reply.scan` and the durable `wechat.qr.scanned`, idempotent by event id.
 */
@Injectable()
export class ClaimService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly claims: ClaimRepository,
    private readonly display: DisplayPublisher,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Records a scan and claims its session when it is the first; a repeat of the same event changes nothing. */
  async recordScan(input: ScanInput): Promise<ScanResult> {
    const decision = await this.claims.recordScan(this.dataSource.manager, input);
    this.decided(decision);
    if (decision.claimed) this.announce([{ mirrorId: decision.mirrorId!, sessionId: decision.sessionId! }]);
    return {
      outcome: decision.outcome,
      openid: input.openid,
      scene: input.scene,
      sessionId: decision.sessionId,
    };
  }

  /** Scans that arrived before their scene: evaluated, first scanner first, once the scene is known. */
  async resolvePending(em: EntityManager, scene: string, claimed: Claimed[]): Promise<void> {
    for (const eventId of await this.claims.pendingScans(em, scene)) {
      const decision = await this.claims.evaluateScan(em, eventId);
      this.decided(decision);
      if (decision.claimed) claimed.push({ mirrorId: decision.mirrorId!, sessionId: decision.sessionId! });
    }
  }

  /** Shows the claim on the mirror (after commit: the screen must never announce a claim that was rolled back). */
  announce(claimed: Claimed[]): void {
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
