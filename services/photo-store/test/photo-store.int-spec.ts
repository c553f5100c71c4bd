import type { INestApplication } from '@nestjs/common';
import { ReplyCodes, Requests } from '@mirror/contracts';
import { RequestRefusedError } from '@mirror/nats';
import { uniqueName, waitFor } from '@mirror/testing';
import type { Client } from 'minio';
import { nanos } from '@nats-io/transport-node';
import sharp from 'sharp';
import { ulid } from 'ulid';
import { PHOTO_CONSUMER } from '../src/photos/photo-intake.handler';
import { GPS_LATITUDE, GPS_LONGITUDE, readExif } from './support/exif';
import { elevenMegabytePng, fiftyMegapixelPng, photo, textFile, truncatedJpeg } from './support/images';
import { PhotoBus, deleteNamespace, photoStoreEnv, startPhotoStore } from './support/photo-store.harness';
import { LocalS3, getObject, listKeys } from './support/s3-server';

/**
 * photo-store in this process, against the real NATS server (the project's config: 16 MB payloads) and a
 * private s3rver, reached through the same `minio` client as MinIO in production.
 */
describe('photo-store', () => {
  const ns = uniqueName('pst');
  let s3: LocalS3;
  let client: Client;
  let bus: PhotoBus;
  let sut: INestApplication | undefined;
  let env: Record<string, string>;
  let bucket: string;

  const start = async () => {
    sut = await startPhotoStore(env);
  };
  const stop = async () => {
    await sut?.close();
    sut = undefined;
  };
  const drained = () => waitFor(() => bus.consumerDrained(), 30_000, 100);
  const keysOf = async (photoId: string) =>
    (await listKeys(client, bucket)).filter((k) => k.includes(photoId));

  beforeAll(async () => {
    s3 = await LocalS3.start();
    client = s3.client();
    env = await photoStoreEnv(ns, s3);
    bucket = env.S3_BUCKET;
    bus = await PhotoBus.connect(ns);
    await start();
  }, 60_000);

  afterAll(async () => {
    await stop();
    await bus?.close();
    await deleteNamespace(ns);
    await s3?.stop();
  }, 30_000);

  it('creates its bucket at start-up', async () => {
    expect(await client.bucketExists(bucket)).toBe(true);
  });

  it('declares its photo consumer with the configured ack wait (PHOTO_ACK_WAIT_MS)', async () => {
    const info = await bus.nats.jsm.consumers.info(bus.nats.ns.stream('PHOTOS_IN'), PHOTO_CONSUMER);
    expect(info.config.ack_wait).toBe(nanos(Number(env.PHOTO_ACK_WAIT_MS)));
  });

  it('stores 100 photos published while it was stopped, each exactly once', async () => {
    await stop();
    const photos = await Promise.all(
      Array.from({ length: 100 }, (_, i) => photo({ seed: i, width: 480, height: 360 })),
    );
    const ids: string[] = [];
    for (const bytes of photos) {
      const photoId = ulid();
      ids.push(photoId);
      await bus.publishPhoto('backlog-1', bytes, { photoId });
    }
    expect(bus.published.stored).toHaveLength(0);

    await start();
    await waitFor(() => ids.every((id) => bus.storedCount(id) > 0), 90_000, 100);
    await drained();

    expect(ids.map((id) => bus.storedCount(id))).toEqual(ids.map(() => 1));
    const kept = (await bus.storedKept()).filter((p) => p.mirrorId === 'backlog-1');
    expect(kept.map((p) => p.photoId).sort()).toEqual([...ids].sort());
    const objects = await listKeys(client, bucket, 'mirrors/backlog-1/');
    expect(objects).toHaveLength(300);
    for (const [i, id] of ids.entries()) {
      const set = objects.filter((k) => k.includes(`/${id}/`)).map((k) => k.split('/').pop());
      expect(set.sort()).toEqual(['display.jpg', 'original.jpg', 'thumb.jpg']);
      if (i % 25 === 0) {
        const p = kept.find((k) => k.photoId === id)!;
        expect((await getObject(client, bucket, p.keys.original)).equals(photos[i])).toBe(true);
      }
    }
  }, 150_000);

  describe('duplicates', () => {
    it('stores a photo id published twice once (the stream drops the second copy)', async () => {
      const photoId = ulid();
      const bytes = await photo({ seed: 201 });
      await bus.publishPhoto('dup-1', bytes, { photoId });
      const second = await bus.publishPhoto('dup-1', bytes, { photoId });
      expect(second.duplicate).toBe(true);
      await waitFor(() => bus.storedCount(photoId) === 1);
      await drained();
      expect(bus.storedCount(photoId)).toBe(1);
    });

    it('stores a photo id sent again after the stream forgot it once, and announces nothing new', async () => {
      const photoId = ulid();
      const bytes = await photo({ seed: 202 });
      await bus.publishPhoto('dup-1', bytes, { photoId });
      await waitFor(() => bus.storedCount(photoId) === 1);
      const stream = bus.nats.ns.stream('PHOTOS_IN');
      const { config } = await bus.nats.jsm.streams.info(stream);
      await bus.nats.jsm.streams.update(stream, { ...config, duplicate_window: nanos(200) });
      try {
        await new Promise((r) => setTimeout(r, 400));
        const again = await bus.publishPhoto('dup-1', bytes, { photoId });
        expect(again.duplicate).toBe(false); // this time photo-store itself has to recognise it
        await drained();
      } finally {
        await bus.nats.jsm.streams.update(stream, config);
      }
      expect(bus.storedCount(photoId)).toBe(1);
      expect(await keysOf(photoId)).toHaveLength(4); // three variants and the index entry
    });

    it('stores the same bytes sent under a new id by the same mirror within a minute once', async () => {
      const bytes = await photo({ seed: 203 });
      const [first, second, third] = [ulid(), ulid(), ulid()];
      // back to back: the copies may be in flight together
      await Promise.all([
        bus.publishPhoto('dup-2', bytes, { photoId: first }),
        bus.publishPhoto('dup-2', bytes, { photoId: second }),
        bus.publishPhoto('dup-2', bytes, { photoId: third }),
      ]);
      await waitFor(() => bus.storedCount(first) + bus.storedCount(second) + bus.storedCount(third) > 0);
      await drained();
      const counts = [first, second, third].map((id) => bus.storedCount(id));
      expect(counts.reduce((a, b) => a + b)).toBe(1);
      expect((await listKeys(client, bucket, 'mirrors/dup-2/')).length).toBe(3);
    });

    it('stores the same bytes from another mirror as a photo of its own', async () => {
      const bytes = await photo({ seed: 204 });
      const [a, b] = [ulid(), ulid()];
      await bus.publishPhoto('dup-3', bytes, { photoId: a });
      await bus.publishPhoto('dup-4', bytes, { photoId: b });
      await waitFor(() => bus.storedCount(a) === 1 && bus.storedCount(b) === 1);
    });
  });

  describe('rejections', () => {
    const cases: [string, () => Promise<Buffer> | Buffer, string][] = [
      ['a truncated JPEG', truncatedJpeg, 'corrupt'],
      ['a text file renamed .jpg', textFile, 'not-an-image'],
      ['an 11 MB image', elevenMegabytePng, 'too-large'],
      ['a 50-megapixel image', fiftyMegapixelPng, 'too-many-pixels'],
    ];

    it.each(cases)(
      'refuses %s: photo.rejected, dead-lettered, nothing in the bucket',
      async (_name, make, code) => {
        const photoId = ulid();
        await bus.publishPhoto('reject-1', await make(), { photoId });
        const rejected = await waitFor(
          () => bus.published.rejected.find((r) => r.photoId === photoId),
          30_000,
        );
        expect(rejected).toMatchObject({
          mirrorId: 'reject-1',
          reason: expect.stringMatching(new RegExp(`^${code}:`)),
        });
        await waitFor(async () => {
          const dead = await bus.kept('DLQ', 'dlq.PHOTOS_IN.photo-store-photos');
          return dead.some((m) => m.header.get('dlq-reason').startsWith(code));
        });
        await drained();
        expect(bus.storedCount(photoId)).toBe(0);
        expect(await keysOf(photoId)).toEqual([]);
      },
      60_000,
    );

    it('refuses a photo without a capture time', async () => {
      const photoId = ulid();
      await bus.nats.publishBytes('mirror.reject-2.photo', await photo({ seed: 301 }), { msgID: photoId });
      const rejected = await waitFor(() => bus.published.rejected.find((r) => r.photoId === photoId));
      expect(rejected.reason).toMatch(/^bad-headers:.*taken-at/);
      expect(await keysOf(photoId)).toEqual([]);
    });

    it('refuses a malformed mirror id', async () => {
      const photoId = ulid();
      await bus.nats.publishBytes('mirror.Bad_Mirror.photo', await photo({ seed: 302 }), {
        msgID: photoId,
        headers: { 'taken-at': new Date().toISOString() },
      });
      const rejected = await waitFor(() => bus.published.rejected.find((r) => r.photoId === photoId));
      expect(rejected).toMatchObject({
        mirrorId: 'Bad_Mirror',
        reason: expect.stringMatching(/^bad-mirror-id/),
      });
      expect(
        (await listKeys(client, bucket)).filter((k) => k.includes('Bad_Mirror') || k.includes(photoId)),
      ).toEqual([]);
    });
  });

  it('keeps GPS in the private original and strips it from the display and thumbnail variants', async () => {
    const photoId = ulid();
    const sent = await photo({ width: 3000, height: 2000, gps: true, orientation: 6, seed: 400 });
    expect(readExif((await sharp(sent).metadata()).exif)?.gpsTags).toEqual(
      expect.arrayContaining([GPS_LATITUDE, GPS_LONGITUDE]),
    );
    await bus.publishPhoto('gps-1', sent, { photoId });
    const stored = await waitFor(() => bus.published.stored.find((p) => p.photoId === photoId), 30_000);
    expect([stored.width, stored.height]).toEqual([2000, 3000]);

    const original = await getObject(client, bucket, stored.keys.original);
    expect(original.equals(sent)).toBe(true);
    expect(readExif((await sharp(original).metadata()).exif)?.gpsTags).toEqual(
      expect.arrayContaining([GPS_LATITUDE, GPS_LONGITUDE]),
    );
    const display = await sharp(await getObject(client, bucket, stored.keys.display)).metadata();
    const thumb = await sharp(await getObject(client, bucket, stored.keys.thumb)).metadata();
    expect([display.width, display.height, display.exif, display.xmp]).toEqual([
      1365,
      2048,
      undefined,
      undefined,
    ]);
    expect([thumb.width, thumb.height, thumb.exif, thumb.xmp]).toEqual([213, 320, undefined, undefined]);
  });

  describe('photo.url and photo.delete', () => {
    let photoId: string;
    let displayKey: string;

    beforeAll(async () => {
      photoId = ulid();
      await bus.publishPhoto('url-1', await photo({ seed: 500, width: 900, height: 600 }), { photoId });
      displayKey = (await waitFor(() => bus.published.stored.find((p) => p.photoId === photoId), 30_000)).keys
        .display;
    });

    it('signs a URL for the public endpoint that serves the variant, capped at 900 s', async () => {
      const before = Date.now();
      const answer = await bus.nats.request(Requests.photoUrl, {
        photoId,
        variant: 'display',
        ttlSeconds: 3600,
      });
      const url = new URL(answer.url);
      expect(url.origin).toBe(s3.publicUrl);
      expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
      expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
      const expiresIn = Date.parse(answer.expiresAt) - before;
      expect(expiresIn).toBeGreaterThan(895_000);
      expect(expiresIn).toBeLessThanOrEqual(901_000);
      const res = await fetch(answer.url);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(await getObject(client, bucket, displayKey))).toBe(
        true,
      );
    });

    it('keeps a shorter lifetime as asked', async () => {
      const { url } = await bus.nats.request(Requests.photoUrl, {
        photoId,
        variant: 'thumb',
        ttlSeconds: 60,
      });
      expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('60');
    });

    it('refuses a photo it does not know', async () => {
      const error = await bus.nats
        .request(Requests.photoUrl, { photoId: 'unknown-photo', variant: 'display', ttlSeconds: 60 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RequestRefusedError);
      expect((error as RequestRefusedError).code).toBe(ReplyCodes.notFound);
    });

    it('deletes every variant, announces photo.deleted once, and takes a second delete calmly', async () => {
      expect(await bus.nats.request(Requests.photoDelete, { photoId })).toEqual({ deleted: true });
      expect((await keysOf(photoId)).filter((k) => k.startsWith('mirrors/'))).toEqual([]);
      expect(await bus.nats.request(Requests.photoDelete, { photoId })).toEqual({ deleted: false });
      await waitFor(() => bus.published.deleted.some((d) => d.photoId === photoId));
      const kept = await bus.kept('PHOTOS', 'photo.deleted');
      expect(kept.filter((m) => m.json<{ photoId: string }>().photoId === photoId)).toHaveLength(1);
      expect(bus.published.deleted.filter((d) => d.photoId === photoId)).toHaveLength(1);
      const error = await bus.nats
        .request(Requests.photoUrl, { photoId, variant: 'display', ttlSeconds: 60 })
        .catch((e: unknown) => e);
      expect((error as RequestRefusedError).code).toBe(ReplyCodes.notFound);
    });
  });

  // What the stand-in does not enforce, written down as behaviour so the README stays true.
  describe('the local S3 stand-in (s3rver)', () => {
    it('serves a presigned URL whose signature was tampered with: signatures are checked at the unit level', async () => {
      const photoId = ulid();
      await bus.publishPhoto('standin-1', await photo({ seed: 600 }), { photoId });
      await waitFor(() => bus.storedCount(photoId) === 1, 30_000);
      const { url } = await bus.nats.request(Requests.photoUrl, {
        photoId,
        variant: 'thumb',
        ttlSeconds: 60,
      });
      const forged = url.replace(/X-Amz-Signature=[0-9a-f]{64}/, `X-Amz-Signature=${'0'.repeat(64)}`);
      expect((await fetch(forged)).status).toBe(200);
    });

    it('serves an object to an unsigned GET: the bucket is not private here (MinIO keeps it private)', async () => {
      const photoId = ulid();
      await bus.publishPhoto('standin-1', await photo({ seed: 602 }), { photoId });
      const stored = await waitFor(() => bus.published.stored.find((p) => p.photoId === photoId), 30_000);
      expect((await fetch(`${s3.url}/${bucket}/${stored.keys.original}`)).status).toBe(200);
    });

    it('refuses an expired presigned URL', async () => {
      const photoId = ulid();
      await bus.publishPhoto('standin-1', await photo({ seed: 601 }), { photoId });
      const stored = await waitFor(() => bus.published.stored.find((p) => p.photoId === photoId), 30_000);
      const past = new Date(Date.now() - 120_000);
      const expired = await s3.client().presignedGetObject(bucket, stored.keys.thumb, 60, {}, past);
      expect((await fetch(expired)).status).toBe(403);
    });
  });
});
