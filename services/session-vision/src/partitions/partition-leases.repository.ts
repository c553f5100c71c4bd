import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@mirror/platform';
import { PARTITIONS_SETTINGS, type PartitionsSettings } from './partitions.settings';

// Membership: a sorted set of replica → expiry (the Redis server's clock, so replicas' clocks don't matter).
// Renews this replica, drops the expired, returns who is alive.
const HEARTBEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGE', KEYS[1], 0, -1)`;

// Takes up to ARGV[3] of the free partitions listed after it, in that order; returns those taken.
const TAKE = `
local taken = {}
local want = tonumber(ARGV[3])
for i = 4, #ARGV do
  if #taken >= want then break end
  if redis.call('SET', KEYS[1] .. ARGV[i], ARGV[1], 'NX', 'PX', ARGV[2]) then table.insert(taken, ARGV[i]) end
end
return taken`;

// Renews the partitions still held by this replica; returns those (the others were lost).
const RENEW = `
local kept = {}
for i = 3, #ARGV do
  local key = KEYS[1] .. ARGV[i]
  if redis.call('GET', key) == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    table.insert(kept, ARGV[i])
  end
end
return kept`;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Replicas and the partitions they hold, in Redis. A partition is held through a lease (`partition:<p>` =
 * replica id, with a TTL the holder renews): at most one replica holds it at any time, and one that stops
 * renewing loses it when the lease runs out.
 */
@Injectable()
export class PartitionLeasesRepository {
  private readonly membersKey = 'vision:replicas';
  private readonly partitionPrefix = 'vision:partition:';

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PARTITIONS_SETTINGS) private readonly settings: PartitionsSettings,
  ) {}

  /** Renews this replica's membership; returns the live replicas (this one included). */
  async heartbeat(): Promise<string[]> {
    return (await this.redis.eval(
      HEARTBEAT,
      1,
      this.membersKey,
      this.settings.replicaId,
      String(this.settings.leaseMs),
    )) as string[];
  }

  /** Leaves the membership at once (a clean shutdown). */
  async leave(): Promise<void> {
    await this.redis.zrem(this.membersKey, this.settings.replicaId);
  }

  /** Takes up to `want` of `candidates` that nobody holds; returns the ones taken. */
  async take(candidates: number[], want: number): Promise<number[]> {
    if (want <= 0 || candidates.length === 0) return [];
    const taken = (await this.redis.eval(
      TAKE,
      1,
      this.partitionPrefix,
      this.settings.replicaId,
      String(this.settings.leaseMs),
      String(want),
      ...candidates.map(String),
    )) as string[];
    return taken.map(Number);
  }

  /** Renews the leases of `held`; returns the partitions still this replica's. */
  async renew(held: number[]): Promise<number[]> {
    if (held.length === 0) return [];
    const kept = (await this.redis.eval(
      RENEW,
      1,
      this.partitionPrefix,
      this.settings.replicaId,
      String(this.settings.leaseMs),
      ...held.map(String),
    )) as string[];
    return kept.map(Number);
  }

  /** Gives a partition up, if it is still this replica's. */
  async release(partition: number): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.partitionPrefix + partition, this.settings.replicaId);
  }

  /** Who holds each partition now (null: nobody), for the status page. */
  async holders(count: number): Promise<(string | null)[]> {
    const keys = Array.from({ length: count }, (_, p) => this.partitionPrefix + p);
    return this.redis.mget(...keys);
  }
}
