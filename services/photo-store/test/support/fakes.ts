import type { PhotoDeleted, PhotoRejected, PhotoStored } from '@mirror/contracts';
import type { PhotoBucketRepository } from '../../src/photos/photo-bucket.repository';
import type { PhotoEventsPublisher } from '../../src/photos/photo-events.publisher';
import type { RecentPhotosRepository } from '../../src/photos/recent-photos.repository';

/** Raised by a fake to stand for the process dying at that point. */
export class SimulatedCrash extends Error {
  constructor(readonly step: string) {
    super(`simulated crash at ${step}`);
    this.name = 'SimulatedCrash';
  }
}

/**
 * Counts the side effects (object writes, removals, publishes) of one run and crashes at the n-th: `before`
 * it takes effect or `after` (the effect is durable, the process dies before it learns so).
 */
export class FaultPlan {
  private count = 0;
  constructor(
    private readonly at?: number,
    private readonly when: 'before' | 'after' = 'before',
  ) {}

  async effect<T>(step: string, apply: () => T): Promise<T> {
    this.count++;
    if (this.count === this.at && this.when === 'before') throw new SimulatedCrash(step);
    const result = apply();
    if (this.count === this.at && this.when === 'after') throw new SimulatedCrash(step);
    return result;
  }
}

export class FakeBucket {
  readonly objects = new Map<string, { bytes: Buffer; contentType: string }>();
  faults = new FaultPlan();

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await this.faults.effect(`put ${key}`, () =>
      this.objects.set(key, { bytes: Buffer.from(bytes), contentType }),
    );
  }

  async get(key: string): Promise<Buffer | null> {
    return this.objects.get(key)?.bytes ?? null;
  }

  async remove(keys: string[]): Promise<void> {
    await this.faults.effect(`remove ${keys.join(',')}`, () => keys.forEach((k) => this.objects.delete(k)));
  }

  async presignGet(key: string, ttl: number): Promise<string> {
    return `https://s3.test/${key}?X-Amz-Expires=${ttl}`;
  }

  keys(): string[] {
    return [...this.objects.keys()].sort();
  }

  asRepository(): PhotoBucketRepository {
    return this as unknown as PhotoBucketRepository;
  }
}

interface Published {
  subject: string;
  msgID: string;
  payload: unknown;
}

/** A JetStream stream as consumers see it: a publish whose msgID is in the duplicate window is dropped. */
export class FakeEvents {
  /** Every publish call that reached the server. */
  readonly published: Published[] = [];
  /** What the stream kept. */
  readonly stream: Published[] = [];
  private window = new Set<string>();
  faults = new FaultPlan();

  /** Forgets the duplicate window, as if the redelivery came more than its length later. */
  windowPassed(): void {
    this.window = new Set();
  }

  private async publish(subject: string, msgID: string, payload: unknown): Promise<void> {
    await this.faults.effect(`publish ${subject}`, () => {
      this.published.push({ subject, msgID, payload });
      if (this.window.has(msgID)) return;
      this.window.add(msgID);
      this.stream.push({ subject, msgID, payload });
    });
  }

  stored = (e: PhotoStored) => this.publish('photo.stored', e.photoId, e);
  rejected = (e: PhotoRejected, seq: number) => this.publish('photo.rejected', `rejected:${seq}`, e);
  deleted = (e: PhotoDeleted) => this.publish('photo.deleted', `deleted:${e.photoId}`, e);

  kept(subject: string): Published[] {
    return this.stream.filter((p) => p.subject === subject);
  }

  asPublisher(): PhotoEventsPublisher {
    return this as unknown as PhotoEventsPublisher;
  }
}

/** The de-duplication window, without expiry (the tests run well inside a minute). */
export class FakeRecent {
  readonly claims = new Map<string, string>();

  async claim(mirrorId: string, sha256: string, photoId: string): Promise<string> {
    const key = `${mirrorId}.${sha256}`;
    if (!this.claims.has(key)) this.claims.set(key, photoId);
    return this.claims.get(key)!;
  }

  asRepository(): RecentPhotosRepository {
    return this as unknown as RecentPhotosRepository;
  }
}
