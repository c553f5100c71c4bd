import { FRAME_PARTITIONS } from '@mirror/contracts';
import type { AppConfig } from '../config';

export const PARTITIONS_SETTINGS = Symbol('PARTITIONS_SETTINGS');

/** How replicas share the frame partitions. */
export interface PartitionsSettings {
  /** This replica's name in the membership and the partition leases. */
  replicaId: string;
  /** How many partitions there are (the bus's mapping decides; fixed, see @mirror/contracts). */
  count: number;
  /**
   * A replica's membership and each partition it holds last this long unless renewed (every third of it):
   * a replica that dies hands its partitions over within about this long.
   */
  leaseMs: number;
}

/** The partitions part of the environment. */
export function partitionsSettings(
  config: Pick<AppConfig, 'REPLICA_ID' | 'PARTITION_LEASE_MS'>,
): PartitionsSettings {
  return { replicaId: config.REPLICA_ID, count: FRAME_PARTITIONS, leaseMs: config.PARTITION_LEASE_MS };
}
