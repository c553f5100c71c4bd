/**
 * How many partitions a replica should hold: the live replicas, sorted by id, share `count` partitions
 * evenly — the first `count % n` hold one more. Every replica works this out from the same member list, so
 * the shares add up to `count` and differ by at most one. 0 when the replica is not (yet) a member.
 */
export function shareOf(replicaId: string, members: readonly string[], count: number): number {
  const sorted = [...new Set(members)].sort();
  const rank = sorted.indexOf(replicaId);
  if (rank < 0) return 0;
  const base = Math.floor(count / sorted.length);
  return base + (rank < count % sorted.length ? 1 : 0);
}

/** What a replica does this round to move towards its share. */
export interface PartitionMoves {
  /** Partitions to hand over (it holds more than its share): the highest numbers first. */
  release: number[];
  /** How many free partitions to try to take (it holds fewer than its share). */
  take: number;
}

export function planMoves(owned: ReadonlySet<number>, share: number): PartitionMoves {
  if (owned.size > share) {
    const release = [...owned].sort((a, b) => b - a).slice(0, owned.size - share);
    return { release, take: 0 };
  }
  return { release: [], take: share - owned.size };
}

/** The partitions not held by this replica, in a random order (so replicas starting together rarely collide). */
export function candidates(
  owned: ReadonlySet<number>,
  count: number,
  random: () => number = Math.random,
): number[] {
  const free = Array.from({ length: count }, (_, p) => p).filter((p) => !owned.has(p));
  for (let i = free.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [free[i], free[j]] = [free[j], free[i]];
  }
  return free;
}
