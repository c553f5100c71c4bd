import { ManualClock } from '@mirror/platform';
import { testLogger } from '@mirror/testing';
import {
  PartitionCoordinator,
  type PartitionConsumer,
  type Revocation,
} from '../../src/partitions/partition.coordinator';
import type { PartitionLeasesRepository } from '../../src/partitions/partition-leases.repository';
import type { VisionMetrics } from '../../src/shared/vision.metrics';

const LEASE_MS = 3000;
const COUNT = 64;

/** Redis as the repository's scripts use it: members and partition leases expiring on one clock. */
class Leases {
  readonly members = new Map<string, number>();
  readonly partitions = new Map<number, { holder: string; until: number }>();
  constructor(readonly clock: ManualClock) {}

  for(replicaId: string): PartitionLeasesRepository {
    const now = () => this.clock.now();
    const holder = (p: number) => {
      const lease = this.partitions.get(p);
      return lease && lease.until > now() ? lease.holder : null;
    };
    return {
      heartbeat: async () => {
        this.members.set(replicaId, now() + LEASE_MS);
        for (const [m, until] of this.members) if (until <= now()) this.members.delete(m);
        return [...this.members.keys()];
      },
      leave: async () => void this.members.delete(replicaId),
      take: async (candidates: number[], want: number) => {
        const taken: number[] = [];
        for (const p of candidates) {
          if (taken.length >= want) break;
          if (holder(p) === null) {
            this.partitions.set(p, { holder: replicaId, until: now() + LEASE_MS });
            taken.push(p);
          }
        }
        return taken;
      },
      renew: async (held: number[]) =>
        held.filter((p) => {
          if (holder(p) !== replicaId) return false;
          this.partitions.set(p, { holder: replicaId, until: now() + LEASE_MS });
          return true;
        }),
      release: async (p: number) => {
        if (holder(p) === replicaId) this.partitions.delete(p);
      },
    } as unknown as PartitionLeasesRepository;
  }

  /** Partitions by holder: the test's view of who serves what. */
  held(): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const [p, lease] of this.partitions) {
      if (lease.until <= this.clock.now()) continue;
      out.set(lease.holder, [...(out.get(lease.holder) ?? []), p]);
    }
    return out;
  }
}

/** What a replica's frames feature is told: the partitions it subscribes to now. */
class Consumer implements PartitionConsumer {
  readonly subscribed = new Set<number>();
  readonly revocations: [number, Revocation][] = [];
  assigned(p: number): void {
    expect(this.subscribed.has(p)).toBe(false);
    this.subscribed.add(p);
  }
  async revoked(p: number, reason: Revocation): Promise<void> {
    this.subscribed.delete(p);
    this.revocations.push([p, reason]);
  }
}

const metrics = { partitions: jest.fn(), partitionMove: jest.fn() } as unknown as VisionMetrics;

function replica(leases: Leases, id: string) {
  const consumer = new Consumer();
  const sut = new PartitionCoordinator(
    leases.for(id),
    metrics,
    leases.clock,
    { replicaId: id, count: COUNT, leaseMs: LEASE_MS },
    testLogger(),
  );
  sut.attach(consumer);
  return { id, sut, consumer };
}

type Replica = ReturnType<typeof replica>;

/** Rounds of every live replica, a third of the lease apart, as their timers would run them. */
async function rounds(leases: Leases, replicas: Replica[], n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    for (const r of replicas) await r.sut.rebalance();
    for (const r of replicas) await r.sut.settled();
    leases.clock.advance(LEASE_MS / 3);
  }
}

/** No partition subscribed by two replicas, each subscription backed by the replica's lease. */
function expectExclusive(leases: Leases, replicas: Replica[]): void {
  const seen = new Map<number, string>();
  for (const r of replicas) {
    for (const p of r.consumer.subscribed) {
      expect(seen.get(p)).toBeUndefined();
      seen.set(p, r.id);
    }
    expect([...r.consumer.subscribed].sort((a, b) => a - b)).toEqual(r.sut.status().partitions);
  }
  for (const [holder, ps] of leases.held()) {
    for (const p of ps) if (seen.has(p)) expect(seen.get(p)).toBe(holder);
  }
}

describe(PartitionCoordinator.name, () => {
  it('splits the partitions 22/21/21 among three replicas, each served by exactly one', async () => {
    const leases = new Leases(new ManualClock());
    const replicas = ['a', 'b', 'c'].map((id) => replica(leases, id));
    await rounds(leases, replicas, 3);
    expect(replicas.map((r) => r.consumer.subscribed.size)).toEqual([22, 21, 21]);
    const all = replicas.flatMap((r) => [...r.consumer.subscribed]);
    expect(new Set(all).size).toBe(COUNT);
    expectExclusive(leases, replicas);
  });

  it('rebalances to 16 each when a fourth replica joins, handing partitions over (not losing them)', async () => {
    const leases = new Leases(new ManualClock());
    const replicas = ['a', 'b', 'c'].map((id) => replica(leases, id));
    await rounds(leases, replicas, 3);
    for (const r of replicas) r.consumer.revocations.length = 0;
    replicas.push(replica(leases, 'd'));
    for (let i = 0; i < 4; i++) {
      await rounds(leases, replicas, 1);
      expectExclusive(leases, replicas);
    }
    expect(replicas.map((r) => r.consumer.subscribed.size)).toEqual([16, 16, 16, 16]);
    const moved = replicas.flatMap((r) => r.consumer.revocations);
    expect(moved.every(([, reason]) => reason === 'released')).toBe(true);
    expect(moved).toHaveLength(16); // only the fourth's share moved
  });

  it('keeps renewing its other partitions while a hand-over is slow (frames in hand on a busy replica)', async () => {
    const leases = new Leases(new ManualClock());
    const a = replica(leases, 'a');
    await rounds(leases, [a], 2);
    let finish = () => undefined as void;
    a.consumer.revoked = (p: number) => {
      a.consumer.subscribed.delete(p);
      return new Promise<void>((resolve) => (finish = resolve));
    };
    const b = replica(leases, 'b');
    for (let i = 0; i < 6; i++) {
      await a.sut.rebalance(); // not waiting for the hand-overs
      await b.sut.rebalance();
      leases.clock.advance(LEASE_MS / 3);
    }
    expect(a.consumer.subscribed.size).toBe(32);
    expect(leases.held().get('a')?.length).toBeGreaterThanOrEqual(32);
    finish();
  });

  it('takes over the partitions of a replica that died once their leases run out', async () => {
    const leases = new Leases(new ManualClock());
    const replicas = ['a', 'b', 'c'].map((id) => replica(leases, id));
    await rounds(leases, replicas, 3);
    const dead = replicas.pop()!; // stops renewing: no rounds any more, nothing released
    const orphaned = [...dead.consumer.subscribed];
    await rounds(leases, replicas, 1);
    expect(replicas.flatMap((r) => [...r.consumer.subscribed]).some((p) => orphaned.includes(p))).toBe(false);
    await rounds(leases, replicas, 4); // past the lease: membership and partition leases expired
    expect(replicas.map((r) => r.consumer.subscribed.size)).toEqual([32, 32]);
    expectExclusive(leases, replicas);
  });

  it('hands everything over and leaves on stop, so the others take it in their next round', async () => {
    const leases = new Leases(new ManualClock());
    const replicas = ['a', 'b'].map((id) => replica(leases, id));
    await rounds(leases, replicas, 3);
    await replicas[1].sut.stop();
    expect([...leases.held().keys()]).toEqual(['a']); // b released its leases, not left them to lapse
    expect(replicas[1].consumer.subscribed.size).toBe(0);
    expect(leases.members.has('b')).toBe(false);
    await replicas[0].sut.rebalance();
    expect(replicas[0].consumer.subscribed.size).toBe(COUNT);
  });

  it('stops serving its partitions when it could not renew them for a whole lease', async () => {
    const leases = new Leases(new ManualClock());
    const r = replica(leases, 'a');
    await rounds(leases, [r], 1);
    expect(r.consumer.subscribed.size).toBe(COUNT);
    const repo = (r.sut as unknown as { leases: PartitionLeasesRepository }).leases;
    repo.heartbeat = async () => {
      throw new Error('redis down');
    };
    await r.sut.rebalance(); // within the lease: keeps serving
    expect(r.consumer.subscribed.size).toBe(COUNT);
    leases.clock.advance(LEASE_MS);
    await r.sut.rebalance();
    await r.sut.settled();
    expect(r.consumer.subscribed.size).toBe(0);
    expect(r.consumer.revocations.every(([, reason]) => reason === 'lost')).toBe(true);
  });

  it('gives up a partition whose lease another replica holds now (a long pause)', async () => {
    const leases = new Leases(new ManualClock());
    const a = replica(leases, 'a');
    await rounds(leases, [a], 1);
    leases.partitions.set(7, { holder: 'b', until: leases.clock.now() + LEASE_MS });
    await a.sut.rebalance();
    await a.sut.settled();
    expect(a.consumer.subscribed.has(7)).toBe(false);
    expect(a.consumer.revocations).toContainEqual([7, 'lost']);
  });
});
