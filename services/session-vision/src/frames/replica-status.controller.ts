import { Controller, Get } from '@nestjs/common';
import { PartitionCoordinator, type PartitionStatus } from '../partitions/partition.coordinator';
import { FrameIntake } from './frame.intake';

/**
 * `GET /partitions`: what this replica serves — its partitions and share, the replicas it sees, and the
 * mirrors whose frames it received in the last minute.
 */
@Controller()
export class ReplicaStatusController {
  constructor(
    private readonly coordinator: PartitionCoordinator,
    private readonly intake: FrameIntake,
  ) {}

  @Get('partitions')
  status(): PartitionStatus & { mirrors: string[] } {
    return { ...this.coordinator.status(), mirrors: this.intake.mirrorsSeen() };
  }
}
