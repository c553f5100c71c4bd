import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Msg, Subscription } from '@nats-io/transport-node';
import { FramePartitions, frameHeadersSchema } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';
import { Clock } from '@mirror/platform';
import {
  PartitionCoordinator,
  type PartitionConsumer,
  type Revocation,
} from '../partitions/partition.coordinator';
import { VisionMetrics } from '../shared/vision.metrics';
import { FrameScheduler } from './frame.scheduler';

/** A mirror counts as seen while its last frame is younger than this. */
const SEEN_MS = 60_000;

/**
 * Frames in: one core NATS subscription per partition this replica serves (`vision.frame.<p>.*`, JPEG),
 * opened and closed as the PartitionCoordinator assigns and revokes partitions — which is why these are
 * plain subscriptions rather than static @EventPattern handlers. Checks subject and headers and hands the
 * frame to the scheduler.
 */
@Injectable()
export class FrameIntake implements PartitionConsumer, OnModuleInit {
  private readonly subscriptions = new Map<number, Subscription>();
  private readonly lastSeen = new Map<string, number>();

  constructor(
    private readonly nats: NatsClient,
    private readonly coordinator: PartitionCoordinator,
    private readonly scheduler: FrameScheduler,
    private readonly metrics: VisionMetrics,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.coordinator.attach(this);
  }

  assigned(partition: number): void {
    if (this.subscriptions.has(partition)) return;
    const subscription = this.nats.subscribe(FramePartitions.subject(partition), (msg, subject) =>
      this.frame(msg, subject),
    );
    this.subscriptions.set(partition, subscription);
  }

  async revoked(partition: number, reason: Revocation): Promise<void> {
    this.subscriptions.get(partition)?.unsubscribe();
    this.subscriptions.delete(partition);
    const inPartition = (mirrorId: string) => FramePartitions.of(mirrorId) === partition;
    await this.scheduler.handOver(inPartition, reason === 'released');
    for (const mirrorId of [...this.lastSeen.keys()].filter(inPartition)) {
      this.lastSeen.delete(mirrorId);
      this.metrics.mirrorGone(mirrorId);
    }
  }

  /** The mirrors whose frames arrived here within the last minute. */
  mirrorsSeen(): string[] {
    const since = this.clock.now() - SEEN_MS;
    for (const [mirrorId, at] of this.lastSeen) if (at < since) this.lastSeen.delete(mirrorId);
    this.metrics.mirrorsSeen(this.lastSeen.size);
    return [...this.lastSeen.keys()].sort();
  }

  frame(msg: Msg, subject: string): void {
    const receivedAt = this.clock.now();
    this.metrics.received();
    const parsed = FramePartitions.parse(subject);
    const stamp = frameHeadersSchema.safeParse({ ts: msg.headers?.get('ts'), seq: msg.headers?.get('seq') });
    if (!parsed || !stamp.success) {
      this.metrics.frame('bad-headers');
      return;
    }
    // only the server's mapping puts a mirror in a partition; a mirror publishing to another is ignored
    if (FramePartitions.of(parsed.mirrorId) !== parsed.partition) {
      this.metrics.frame('wrong-partition');
      return;
    }
    // a frame delivered just as its partition moved to another replica
    if (!this.coordinator.owns(parsed.partition)) {
      this.metrics.frame('not-mine');
      return;
    }
    this.lastSeen.set(parsed.mirrorId, receivedAt);
    this.metrics.mirrorFrame(parsed.mirrorId, receivedAt);
    // Copied: the frame waits for a worker while the connection reuses its read buffers.
    this.scheduler.acceptFrame(parsed.mirrorId, {
      data: Uint8Array.from(msg.data),
      ...stamp.data,
      receivedAt,
    });
  }
}
