import type { PushStatus } from '../../src/database/entities/push-record.entity';
import { UnitOfWork } from '../../src/database/unit-of-work';
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
