import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { LOGGER, MetricsService } from '@mirror/platform';
import type { ScanOutcome } from '../database/entities/scan.entity';
import { CustomerRepository } from '../customers/customer.repository';
import { DisplayPublisher } from '../shared/display.publisher';
import { Messages } from '../replies/messages';
import { ClaimRepository, type ScanRow } from './claim.repository';

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
    private readonly customers: CustomerRepository,
    private readonly display: DisplayPublisher,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Records a scan and claims its session when it is the first; a repeat of the same event changes nothing. */
  async recordScan(input: ScanInput): Promise<ScanResult> {
    const claimed: Claimed[] = [];
    const result = await this.dataSource.transaction(async (em) => {
      await this.claims.lockScene(em, input.scene);
      await this.customers.touch(em, {
        openid: input.openid,
        at: input.at,
        subscribed: true,
        burst: true,
        interaction: true,
      });
      await this.claims.insertScan(em, input);
      const scan = (await this.claims.lockScan(em, input.eventId))!;
      if (scan.outcome !== 'pending') return toResult(scan, scan.outcome, scan.sessionId);
      return this.evaluate(em, scan, claimed);
    });
    this.announce(claimed);
    return result;
  }

  /** Scans that arrived before their scene: evaluated, first scanner first, once the scene is known. */
  async resolvePending(em: EntityManager, scene: string, claimed: Claimed[]): Promise<void> {
    for (const scan of await this.claims.pendingScans(em, scene)) await this.evaluate(em, scan, claimed);
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

  private async evaluate(em: EntityManager, scan: ScanRow, claimed: Claimed[]): Promise<ScanResult> {
    const scene = await this.claims.findScene(em, scan.scene);
    if (!scene) return toResult(scan, 'pending', null);
    let outcome: ScanOutcome;
    const existing = await this.claims.findBinding(em, scene.sessionId);
    if (existing) {
      outcome = existing.openid === scan.openid ? 'own' : 'other';
    } else if (scan.scannedAt.getTime() > scene.expiresAt.getTime()) {
      outcome = 'expired';
    } else if (
      await this.claims.insertClaim(em, {
        sessionId: scene.sessionId,
        openid: scan.openid,
        scene: scan.scene,
        eventId: scan.eventId,
        at: scan.scannedAt,
      })
    ) {
      outcome = 'claimed';
      claimed.push({ mirrorId: scene.mirrorId, sessionId: scene.sessionId });
    } else {
      // another transaction claimed it between our read and our insert
      const winner = await this.claims.findBinding(em, scene.sessionId);
      outcome = winner?.openid === scan.openid ? 'own' : 'other';
    }
    await this.claims.setScanOutcome(em, scan.eventId, outcome, scene.sessionId);
    this.metrics.counter('binding_scans_total', 'QR scans by outcome', ['outcome']).inc({ outcome });
    return toResult(scan, outcome, scene.sessionId);
  }
}

function toResult(scan: ScanRow, outcome: ScanOutcome, sessionId: string | null): ScanResult {
  return { outcome, openid: scan.openid, scene: scan.scene, sessionId };
}
