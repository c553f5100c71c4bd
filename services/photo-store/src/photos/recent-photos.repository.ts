import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { nanos } from '@nats-io/transport-node';
import { NatsClient } from '@mirror/nats';
import { PHOTO_SETTINGS, type PhotoSettings } from './photos.settings';

/**
 * Which photo id first brought a given content (sha256) from a mirror, for the de-duplication window.
 * A JetStream KV bucket whose entries expire after the window: `create` is atomic across replicas, and the
 * dependency is the NATS server photo-store already needs (no Redis).
 */
@Injectable()
export class RecentPhotosRepository implements OnModuleInit {
  private kv?: KV;

  constructor(
    private readonly nats: NatsClient,
    @Inject(PHOTO_SETTINGS) private readonly settings: PhotoSettings,
  ) {}

  /** KV bucket name, namespaced like the streams (stream `KV_<name>`). */
  get bucketName(): string {
    return this.nats.ns.stream('PHOTO_RECENT');
  }

  async onModuleInit(): Promise<void> {
    const ttlMs = this.settings.dedupWindowSeconds * 1000;
    this.kv = await new Kvm(this.nats.js).create(this.bucketName, {
      ttl: ttlMs,
      history: 1,
      replicas: this.settings.kvReplicas,
    });
    // an existing bucket keeps its old limits unless told: follow a changed window
    const stream = `KV_${this.bucketName}`;
    const info = await this.nats.jsm.streams.info(stream);
    if (info.config.max_age !== nanos(ttlMs)) {
      await this.nats.jsm.streams.update(stream, { ...info.config, max_age: nanos(ttlMs) });
    }
  }

  /**
   * Claims `mirrorId`+`sha256` for `photoId` unless another photo id did within the window; returns the
   * photo id holding the claim (this one, when it won or already held it).
   */
  async claim(mirrorId: string, sha256: string, photoId: string): Promise<string> {
    const kv = this.kv!;
    const key = `${mirrorId}.${sha256}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await kv.create(key, photoId);
        return photoId;
      } catch (e) {
        if (!isTaken(e)) throw e;
      }
      const entry = await kv.get(key);
      // the holder's entry may have expired between our create and get: try again
      if (entry && entry.operation === 'PUT') return entry.string();
    }
    throw new ClaimContendedError(key);
  }
}

/** The window entry kept appearing and expiring under us: a transient state, retried with the message. */
export class ClaimContendedError extends Error {
  constructor(readonly key: string) {
    super(`de-duplication entry ${key} changed three times while claiming it; retrying the photo later`);
    this.name = 'ClaimContendedError';
  }
}

/** `create` refused because the key holds a value: another photo id claimed these bytes first. */
function isTaken(e: unknown): boolean {
  return (
    e instanceof JetStreamApiError &&
    (e.code === JetStreamApiCodes.StreamWrongLastSequence ||
      e.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}
