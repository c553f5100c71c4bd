import type { INestApplication } from '@nestjs/common';
import { jetstreamManager, type StoredMsg } from '@nats-io/jetstream';
import {
  Events,
  MirrorSubjects,
  decode,
  type PhotoDeleted,
  type PhotoRejected,
  type PhotoStored,
} from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';
import { bootstrapService } from '@mirror/platform';
import {
  deleteNamespaceStreams,
  testEnv,
  testLogger,
  connectTestNats,
  serviceNatsEnv,
  testNatsAuth,
} from '@mirror/testing';
import { ulid } from 'ulid';
import { loadAppConfig } from '../../src/config';
import { photoStoreService } from '../../src/main';
import { PHOTO_CONSUMER } from '../../src/photos/photo-intake.handler';
import { S3_CREDENTIALS, type LocalS3 } from './s3-server';

/** The environment of a photo-store under test: its own namespace and bucket on shared servers. */
export async function photoStoreEnv(ns: string, s3: LocalS3, extra: Record<string, string> = {}) {
  return {
    NATS_URL: testEnv.natsUrl(),
    NATS_NAMESPACE: ns,
    ...(await serviceNatsEnv('photo-store', ns)),
    S3_ENDPOINT: s3.url,
    S3_PUBLIC_URL: s3.publicUrl,
    S3_BUCKET: `${ns}-photos`,
    ...S3_CREDENTIALS,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    PHOTO_ACK_WAIT_MS: '5000',
    ...extra,
  };
}

/** Boots the whole service in this process, exactly as main.ts does, with the given environment. */
export function startPhotoStore(env: Record<string, string>): Promise<INestApplication> {
  return bootstrapService({ ...photoStoreService, loadConfig: () => loadAppConfig(env) });
}

/**
 * The test's side of NATS: publishes photos as a mirror does and watches what photo-store says, both as
 * published (core subscription: every publish, even one the stream then drops as a duplicate) and as kept
 * by the PHOTOS stream (what consumers see).
 */
export class PhotoBus {
  readonly published = {
    stored: [] as PhotoStored[],
    rejected: [] as PhotoRejected[],
    deleted: [] as PhotoDeleted[],
  };

  private constructor(readonly nats: NatsClient) {
    nats.subscribe(
      Events.photoStored.subject,
      (m) => void this.published.stored.push(decode(Events.photoStored, m.data)),
    );
    nats.subscribe(
      Events.photoRejected.subject,
      (m) => void this.published.rejected.push(decode(Events.photoRejected, m.data)),
    );
    nats.subscribe(
      Events.photoDeleted.subject,
      (m) => void this.published.deleted.push(decode(Events.photoDeleted, m.data)),
    );
  }

  static async connect(ns: string): Promise<PhotoBus> {
    const nats = await NatsClient.connect({
      ...(await testNatsAuth()),
      servers: testEnv.natsUrl(),
      name: `${ns}-bus`,
      namespace: ns,
      logger: testLogger(),
    });
    const { max_payload } = nats.nc.info!;
    if (max_payload < 16 * 1024 * 1024) {
      throw new Error(
        `NATS at ${testEnv.natsUrl()} allows ${max_payload}-byte payloads; photos need the project's config: run \`bash scripts/infra.sh && source .infra/env\``,
      );
    }
    await nats.ensureStreams(['PHOTOS_IN', 'PHOTOS']);
    await nats.nc.flush();
    return new PhotoBus(nats);
  }

  /** Publishes a photo as a mirror does (JetStream, msgID = photo id). */
  publishPhoto(
    mirrorId: string,
    bytes: Uint8Array,
    o: { photoId?: string; takenAt?: string; sessionId?: string } = {},
  ) {
    const photoId = o.photoId ?? ulid();
    const headers: Record<string, string> = { 'taken-at': o.takenAt ?? new Date().toISOString() };
    if (o.sessionId) headers['session-id'] = o.sessionId;
    return this.nats.publishBytes(MirrorSubjects.of('photo', mirrorId), bytes, {
      msgID: photoId,
      headers,
      timeoutMs: 20000,
    });
  }

  storedCount(photoId: string): number {
    return this.published.stored.filter((p) => p.photoId === photoId).length;
  }

  /** Every message the namespace's stream holds on `subject`, oldest first. */
  async kept(streamName: 'PHOTOS' | 'DLQ', subject: string): Promise<StoredMsg[]> {
    const stream = this.nats.ns.stream(streamName);
    const wanted = this.nats.ns.subject(subject);
    const { state } = await this.nats.jsm.streams.info(stream);
    const out: StoredMsg[] = [];
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
      const m = await this.nats.jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (m && m.subject === wanted) out.push(m);
    }
    return out;
  }

  async storedKept(): Promise<PhotoStored[]> {
    return (await this.kept('PHOTOS', Events.photoStored.subject)).map((m) =>
      decode(Events.photoStored, m.data),
    );
  }

  /** True once photo-store's consumer has nothing left to deliver and nothing unacknowledged. */
  async consumerDrained(): Promise<boolean> {
    const info = await this.nats.jsm.consumers.info(this.nats.ns.stream('PHOTOS_IN'), PHOTO_CONSUMER);
    return info.num_pending === 0 && info.num_ack_pending === 0;
  }

  async close(): Promise<void> {
    await this.nats.drain();
  }
}

/** Removes the namespace's streams, the de-duplication KV bucket included. */
export async function deleteNamespace(ns: string): Promise<void> {
  await deleteNamespaceStreams(ns);
  const nc = await connectTestNats();
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(`KV_${ns}_PHOTO_RECENT`).catch(() => undefined);
  await nc.close();
}
