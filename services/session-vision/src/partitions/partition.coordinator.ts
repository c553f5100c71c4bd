import { Inject, Injectable } from '@nestjs/common';
import { Clock, LOGGER } from '@mirror/platform';
import type { Logger } from 'pino';
import { VisionMetrics } from '../shared/vision.metrics';
import { candidates, planMoves, shareOf } from './partition-plan';
import { PartitionLeasesRepository } from './partition-leases.repository';
import { PARTITIONS_SETTINGS, type PartitionsSettings } from './partitions.settings';

/** Why a partition stops being this replica's. */
export type Revocation = 'released' | 'lost';

/** What takes a partition's frames (the frames feature): told when a partition comes and goes. */
export interface PartitionConsumer {
  /** Start taking the partition's frames. */
  assigned(partition: number): void;
  /**
   * Stop taking its frames and finish those in hand. `released`: this replica hands it over, so its mirrors
   * are let go at once (their state stays in Redis); `lost`: another replica may hold it already, so they
   * are only forgotten here.
   */
  revoked(partition: number, reason: Revocation): Promise<void>;
}

/** What the status page shows of this replica. */
export interface PartitionStatus {
  replicaId: string;
  replicas: string[];
  share: number;
  partitions: number[];
}

/**
 * Shares the frame partitions among the live replicas, through Redis (PartitionLeasesRepository): every
 * third of the lease, a replica renews its membership and its partitions, works out its share from the
 * member list (shareOf: even, ±1), hands over what it holds beyond its share and takes free partitions up
 * to it. A replica that joins therefore gets its share within a round or two; one that leaves hands its
 * partitions over at once; one that dies loses them when their leases run out, and the others take them.
 * A replica that cannot reach Redis for a whole lease stops serving its partitions: by then another may
 * hold them.
 */
@Injectable()
export class PartitionCoordinator {
  private readonly owned = new Set<number>();
  private readonly handovers = new Set<Promise<void>>();
  private consumer: PartitionConsumer | null = null;
  private members: string[] = [];
  private share = 0;
  /** When the leases were last renewed (or taken): past a lease, they may be someone else's. */
  private renewedAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly logger: Logger;

  constructor(
    private readonly leases: PartitionLeasesRepository,
    private readonly metrics: VisionMetrics,
    private readonly clock: Clock,
    @Inject(PARTITIONS_SETTINGS) private readonly settings: PartitionsSettings,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ replica: settings.replicaId });
  }

  /** Who is told when partitions come and go; set once, before start. */
  attach(consumer: PartitionConsumer): void {
    this.consumer = consumer;
  }

  /**
   * Joins the replicas, then takes its share one round later (replicas starting together see each other
   * first instead of taking everything and handing most of it back), and keeps it balanced every round.
   */
  async start(): Promise<void> {
    this.stopped = false;
    this.members = await this.leases
      .heartbeat()
      .catch((err: unknown) => (this.logger.warn({ err }, 'cannot join the replicas yet; will retry'), []));
    this.timer = setInterval(
      () => {
        this.round = this.round.then(() => this.rebalance());
      },
      Math.max(50, Math.floor(this.settings.leaseMs / 3)),
    );
  }

  /** Hands every partition over and leaves the membership, so the others take them at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.round;
    for (const p of [...this.owned]) this.giveUp(p, 'released');
    await this.settled();
    await this.leases.leave().catch((err: unknown) => this.logger.warn({ err }, 'cannot leave the replicas'));
    this.updateGauges();
  }

  /** Resolves once the hand-overs under way are done. */
  async settled(): Promise<void> {
    while (this.handovers.size) await Promise.allSettled([...this.handovers]);
  }

  /** Whether this replica serves the partition now. */
  owns(partition: number): boolean {
    return this.owned.has(partition);
  }

  status(): PartitionStatus {
    return {
      replicaId: this.settings.replicaId,
      replicas: [...this.members],
      share: this.share,
      partitions: [...this.owned].sort((a, b) => a - b),
    };
  }

  /** One round: membership, renewal, then hand over or take towards the share. */
  async rebalance(): Promise<void> {
    if (this.stopped) return;
    try {
      this.members = await this.leases.heartbeat();
      const kept = new Set(await this.leases.renew([...this.owned]));
      this.renewedAt = this.clock.now();
      for (const p of [...this.owned].filter((q) => !kept.has(q))) {
        this.logger.warn({ partition: p }, 'partition lease lost: another replica serves it now');
        this.giveUp(p, 'lost');
      }
      this.share = shareOf(this.settings.replicaId, this.members, this.settings.count);
      const moves = planMoves(this.owned, this.share);
      for (const p of moves.release) this.giveUp(p, 'released');
      if (moves.take > 0) {
        const taken = await this.leases.take(candidates(this.owned, this.settings.count), moves.take);
        for (const p of taken) {
          this.owned.add(p);
          this.metrics.partitionMove('taken');
          this.consumer?.assigned(p);
        }
        if (taken.length) this.logger.info({ taken, share: this.share }, 'partitions taken');
      }
    } catch (err) {
      this.logger.warn({ err }, 'cannot reach Redis to keep the partitions; will retry');
      // past a whole lease without renewal, another replica may hold them: stop serving them
      if (this.clock.now() - this.renewedAt >= this.settings.leaseMs) {
        for (const p of [...this.owned]) this.giveUp(p, 'lost');
      }
    } finally {
      this.updateGauges();
    }
  }

  /**
   * Stops serving a partition at once and hands it over in the background: finishing its frames in hand
   * can take a while on a busy replica, and the rounds must go on renewing the other partitions meanwhile.
   * A released partition's lease is given up only once its mirrors are let go.
   */
  private giveUp(partition: number, reason: Revocation): void {
    this.owned.delete(partition);
    this.metrics.partitionMove(reason);
    const work = (async () => {
      try {
        await this.consumer?.revoked(partition, reason);
      } finally {
        if (reason === 'released') await this.leases.release(partition);
      }
    })()
      .catch((err: unknown) => this.logger.warn({ err, partition }, 'hand-over incomplete; the lease lapses'))
      .finally(() => this.handovers.delete(work));
    this.handovers.add(work);
  }

  private updateGauges(): void {
    this.metrics.partitions(this.owned.size, this.members.length);
  }
}
