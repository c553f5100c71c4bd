import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { MsgHdrs } from '@nats-io/transport-node';
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
 * opened and closed as the PartitionCoordinator assigns and revokes partitions (the on-demand pattern of
 * FrameHandler). Checks subject and headers and hands the frame to the scheduler.
 */
@Injectable()
export class FrameIntake implements PartitionConsumer, OnModuleInit {
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
    this.nats.openOnDemand(FramePartitions.all, FramePartitions.subject(partition));
  }

  async revoked(partition: number, reason: Revocation): Promise<void> {
    this.nats.closeOnDemand(FramePartitions.all, FramePartitions.subject(partition));
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

  frame(data: Uint8Array, subject: string, headers: MsgHdrs | undefined): void {
    const receivedAt = this.clock.now();
    this.metrics.received();
    const parsed = FramePartitions.parse(subject);
    const stamp = frameHeadersSchema.safeParse({ ts: headers?.get('ts'), seq: headers?.get('seq') });
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
      data: Uint8Array.from(data),
      ...stamp.data,
      receivedAt,
    });
  }
}
