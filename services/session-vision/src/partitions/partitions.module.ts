import { Module } from '@nestjs/common';
import { PartitionCoordinator } from './partition.coordinator';
import { PartitionLeasesRepository } from './partition-leases.repository';

/** Which frame partitions this replica serves: membership and partition leases in Redis, balanced ±1. */
@Module({
  providers: [PartitionLeasesRepository, PartitionCoordinator],
  exports: [PartitionCoordinator],
})
export class PartitionsModule {}
