import { uniqueName, waitFor } from '@mirror/testing';
import type { Client } from 'minio';
import sharp from 'sharp';
import { ulid } from 'ulid';
import { PhotoBus, deleteNamespace, photoStoreEnv } from './support/photo-store.harness';
import { PhotoStoreProcess } from './support/photo-store.process';
import { LocalS3, getObject, listKeys } from './support/s3-server';

const BURST = 40;
const MIRROR = 'crash-1';

/** A camera-like photo: noise makes every one different and slow enough to be caught half-way. */
function noisyPhoto(seed: number): Promise<Buffer> {
  return sharp({
    create: {
      width: 1600,
      height: 1200,
      channels: 3,
      background: '#000000',
      noise: { type: 'gaussian', mean: 100 + (seed % 50), sigma: 40 },
    },
  })
    .jpeg({ quality: 85 })
    .toBuffer();
}

/**
 * photo-store as a child OS process, killed with SIGKILL in the middle of a burst and started again: JetStream
 * redelivers what was not acked, and every photo ends up stored, indexed and announced exactly once.
 */
describe('photo-store killed in the middle of a burst', () => {
  const ns = uniqueName('psk');
  let s3: LocalS3;
  let client: Client;
  let bus: PhotoBus;
  const running: PhotoStoreProcess[] = [];

  beforeAll(async () => {
    s3 = await LocalS3.start();
    client = s3.client();
    bus = await PhotoBus.connect(ns);
  }, 30_000);

  afterAll(async () => {
    await Promise.all(running.map((p) => p.kill()));
    await bus?.close();
    await deleteNamespace(ns);
    await s3?.stop();
  }, 30_000);

  it('stores every photo exactly once after a SIGKILL and a restart', async () => {
    // short ack wait: the photos the dead process held come back within seconds
    const env = await photoStoreEnv(ns, s3, { PHOTO_ACK_WAIT_MS: '3000', PHOTO_CONCURRENCY: '2' });
    const bucket = env.S3_BUCKET;
    const photos = await Promise.all(Array.from({ length: BURST }, (_, i) => noisyPhoto(i)));
    const ids = photos.map(() => ulid());

    const first = await PhotoStoreProcess.start(env);
    running.push(first);
    for (const [i, bytes] of photos.entries()) await bus.publishPhoto(MIRROR, bytes, { photoId: ids[i] });
    await waitFor(() => ids.filter((id) => bus.storedCount(id) > 0).length >= BURST / 4, 60_000, 20);
    await first.kill();
    const storedBeforeKill = ids.filter((id) => bus.storedCount(id) > 0).length;
    expect(storedBeforeKill).toBeLessThan(BURST); // the kill really landed mid-burst

    const second = await PhotoStoreProcess.start(env);
    running.push(second);
    await waitFor(() => ids.every((id) => bus.storedCount(id) > 0), 90_000, 100);
    // a copy that met a transient error (a slow S3 under load) waits out its nak delay, 60 s at the longest
    await waitFor(() => bus.consumerDrained(), 90_000, 100);

    // what consumers see: one photo.stored per photo
    const kept = (await bus.storedKept()).filter((p) => p.mirrorId === MIRROR);
    expect(kept.map((p) => p.photoId).sort()).toEqual([...ids].sort());
    // what is in the bucket: three variants per photo and nothing else, each original byte for byte
    const objects = await listKeys(client, bucket, `mirrors/${MIRROR}/`);
    expect(objects).toHaveLength(3 * BURST);
    for (const [i, id] of ids.entries()) {
      const p = kept.find((k) => k.photoId === id)!;
      expect(objects.filter((k) => k.includes(`/${id}/`)).sort()).toEqual(
        [p.keys.display, p.keys.original, p.keys.thumb].sort(),
      );
      expect((await getObject(client, bucket, p.keys.original)).equals(photos[i])).toBe(true);
      const entry = JSON.parse((await getObject(client, bucket, `index/photos/${id}.json`)).toString());
      expect(entry).toMatchObject({ announced: true, stored: { photoId: id } });
    }

    expect(await second.stop()).toEqual({ code: 0, signal: null });
  }, 300_000);
});
