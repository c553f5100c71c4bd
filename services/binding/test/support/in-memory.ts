import type { PushStatus } from '../../src/database/entities/push-record.entity';
import { UnitOfWork } from '../../src/database/unit-of-work';
import type { MirrorRegistryRepository, RegisteredMirror } from '../../src/fleet/mirror-registry.repository';
import type { NewPushRecord, PushRepository } from '../../src/push/push.repository';

/** A unit of work for repositories that keep nothing in Postgres: the work simply runs. */
export class InlineUnitOfWork extends UnitOfWork {
  transactions = 0;

  override async transaction<T>(work: () => Promise<T>): Promise<T> {
    this.transactions++;
    return work();
  }
}

/** PushRepository's contract over a Map. */
export class InMemoryPushRepository implements Pick<
  PushRepository,
  'exists' | 'countSince' | 'insert' | 'finish' | 'release'
> {
  readonly records = new Map<string, { status: PushStatus; createdAt: Date; errcode?: number }>();

  async exists(eventId: string): Promise<boolean> {
    return this.records.has(eventId);
  }

  async countSince(_openid: string, since: Date): Promise<number> {
    return [...this.records.values()].filter(
      (r) => r.createdAt >= since && ['sending', 'sent', 'unknown'].includes(r.status),
    ).length;
  }

  async insert(r: NewPushRecord): Promise<void> {
    this.records.set(r.eventId, { status: r.status, createdAt: r.at });
  }

  async finish(
    eventId: string,
    status: Exclude<PushStatus, 'sending'>,
    _at: Date,
    detail: { errcode?: number } = {},
  ): Promise<void> {
    this.records.set(eventId, { ...this.records.get(eventId)!, status, errcode: detail.errcode });
  }

  async release(eventId: string): Promise<void> {
    if (this.records.get(eventId)?.status === 'sending') this.records.delete(eventId);
  }
}

/** MirrorRegistryRepository's contract over a Map; `log` records the calls, the registry lock included. */
export class InMemoryMirrorRegistry implements Pick<
  MirrorRegistryRepository,
  'lockRegistry' | 'find' | 'upsertStore' | 'register' | 'markRevoked' | 'list'
> {
  readonly mirrors = new Map<string, RegisteredMirror>();
  readonly stores = new Map<string, string | null>();
  readonly log: string[] = [];

  async lockRegistry(): Promise<void> {
    this.log.push('lock');
  }

  async find(mirrorId: string): Promise<RegisteredMirror | null> {
    const mirror = this.mirrors.get(mirrorId);
    return mirror ? { ...mirror, storeName: this.stores.get(mirror.storeId ?? '') ?? null } : null;
  }

  async upsertStore(storeId: string, name: string | undefined): Promise<void> {
    this.stores.set(storeId, name ?? this.stores.get(storeId) ?? null);
  }

  async register(mirrorId: string, storeId: string, natsUserKey: string, at: Date): Promise<void> {
    this.log.push(`register ${mirrorId} ${natsUserKey}`);
    const seen = this.mirrors.get(mirrorId);
    this.mirrors.set(mirrorId, {
      id: mirrorId,
      storeId,
      storeName: null,
      natsUserKey,
      registeredAt: at,
      revokedAt: null,
      lastSeenAt: seen?.lastSeenAt ?? at,
    });
  }

  async markRevoked(mirrorId: string, at: Date): Promise<void> {
    this.log.push(`markRevoked ${mirrorId}`);
    const mirror = this.mirrors.get(mirrorId)!;
    mirror.revokedAt ??= at;
  }

  async list(storeId?: string): Promise<RegisteredMirror[]> {
    const all = await Promise.all([...this.mirrors.keys()].sort().map((id) => this.find(id)));
    return all.filter((m): m is RegisteredMirror => !!m && (!storeId || m.storeId === storeId));
  }
}
