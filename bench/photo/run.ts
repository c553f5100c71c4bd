/**
 * photo-store on 3 MB photos, next to its floor: a bare `minio.putObject` of the same bytes to the same server.
 * Run: bash scripts/infra.sh && source .infra/env &&
 *      node -r ./services/photo-store/test/support/swc-register.js bench/photo/run.ts
 * Env: BENCH_PHOTOS (per side, default 40), BENCH_CONCURRENCY (default 4), NATS_URL (the project's NATS
 * config: 16 MB payloads), S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY.
 */
import { availableParallelism } from 'node:os';
import { Events, MirrorSubjects, decode } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';
import {
  deleteNamespaceStreams,
  testLogger,
  uniqueName,
  testNatsAuth,
  serviceNatsEnv,
} from '@mirror/testing';
import { PhotoStoreProcess } from '@mirror/svc-photo-store/test/support/photo-store.process';
import { s3Client } from '@mirror/svc-photo-store/src/storage/s3.client';
import { camera12MpJpeg, distinctCopies } from './photos';
import { measure, type Figures } from './measure';

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_PHOTOS ?? 40);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
  const natsUrl = required('NATS_URL');
  const s3 = {
    S3_ENDPOINT: required('S3_ENDPOINT'),
    S3_ACCESS_KEY: required('S3_ACCESS_KEY'),
    S3_SECRET_KEY: required('S3_SECRET_KEY'),
    S3_REGION: process.env.S3_REGION ?? 'us-east-1',
  };
  const ns = uniqueName('bph');
  const bucket = `${ns}-photos`;
  const mirrorId = 'bench-mirror';

  const base = await camera12MpJpeg();
  // distinct bytes (a JPEG comment differs), else the de-duplication window would drop the copies
  const photos = distinctCopies(base, count + 2);
  const mb = base.length / 1e6;
  console.log(
    `photo bench: ${availableParallelism()} cores, ${count} photos of ${mb.toFixed(2)} MB (4000x3000 JPEG) per side, concurrency ${concurrency}`,
  );

  const nats = await NatsClient.connect({
    ...(await testNatsAuth()),
    servers: natsUrl,
    name: 'bench-photo',
    namespace: ns,
    logger: testLogger(),
  });
  if (nats.nc.info!.max_payload < 16 * 1024 * 1024) {
    throw new Error(
      `NATS at ${natsUrl} allows only ${nats.nc.info!.max_payload}-byte payloads: use the project's config`,
    );
  }
  await nats.ensureStreams(['PHOTOS_IN', 'PHOTOS']);
  const waiting = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  nats.subscribe(Events.photoStored.subject, (m) =>
    waiting.get(decode(Events.photoStored, m.data).photoId)?.resolve(),
  );
  nats.subscribe(Events.photoRejected.subject, (m) => {
    const r = decode(Events.photoRejected, m.data);
    waiting.get(r.photoId)?.reject(new Error(`photo ${r.photoId} rejected: ${r.reason}`));
  });

  const service = await PhotoStoreProcess.start({
    NATS_URL: natsUrl,
    NATS_NAMESPACE: ns,
    ...(await serviceNatsEnv('photo-store', ns)),
    ...s3,
    S3_BUCKET: bucket,
    PHOTO_CONCURRENCY: String(concurrency),
    LOG_LEVEL: 'warn',
  });
  const client = s3Client('S3_ENDPOINT', s3.S3_ENDPOINT, s3);
  let photoId = 0;
  const throughPhotoStore = async (bytes: Buffer) => {
    const id = `bench${String(photoId++).padStart(6, '0')}`;
    const stored = new Promise<void>((resolve, reject) => waiting.set(id, { resolve, reject }));
    await nats.publishBytes(MirrorSubjects.of('photo', mirrorId), bytes, {
      msgID: id,
      headers: { 'taken-at': new Date().toISOString() },
      timeoutMs: 30000,
    });
    await stored;
    waiting.delete(id);
  };
  let put = 0;
  const bare = (bytes: Buffer) =>
    client
      .putObject(bucket, `floor/${put++}.jpg`, bytes, bytes.length, { 'Content-Type': 'image/jpeg' })
      .then(() => undefined);

  try {
    // warm-up: connections, sharp's first decode, JIT
    await Promise.all([throughPhotoStore(photos[count]), bare(photos[count])]);
    await Promise.all([throughPhotoStore(photos[count + 1]), bare(photos[count + 1])]);

    const floor = await measure(photos.slice(0, count), concurrency, bare);
    const store = await measure(photos.slice(0, count), concurrency, throughPhotoStore);
    const inside = await processingSeconds(service.port);

    const row = (name: string, f: Figures) =>
      `${name.padEnd(54)} ${f.perSecond.toFixed(2).padStart(8)} ${((f.perSecond * mb) | 0).toString().padStart(6)}` +
      ` ${f.p50Ms.toFixed(0).padStart(8)} ${f.p99Ms.toFixed(0).padStart(8)}`;
    console.log(
      `\n${''.padEnd(54)} ${'photos/s'.padStart(8)} ${'MB/s'.padStart(6)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
    );
    console.log(row('floor: minio.putObject of the same bytes, same server', floor));
    console.log(row('photo-store: publish -> photo.stored', store));
    console.log(
      `\nratio floor / photo-store: ${(floor.perSecond / store.perSecond).toFixed(1)}x throughput, ` +
        `${(store.p99Ms / floor.p99Ms).toFixed(1)}x p99 latency`,
    );
    console.log(
      `inside photo-store: ${(inside * 1000).toFixed(0)} ms per photo on average (validate, render, 5 writes, publish)`,
    );
  } finally {
    await service.stop();
    await nats.drain();
    await deleteNamespaceStreams(ns, natsUrl);
    await removeBucket(client, bucket);
    await deleteKv(natsUrl, ns);
  }
}

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run \`bash scripts/infra.sh && source .infra/env\` first`);
  return v;
}

/** Mean of photo-store's own per-photo histogram (stored photos only). */
async function processingSeconds(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (name: string) =>
    Number(
      text
        .split('\n')
        .find((l) => l.startsWith(`${name}{outcome="stored"}`))
        ?.split(' ')
        .pop() ?? NaN,
    );
  return value('photo_store_photo_seconds_sum') / value('photo_store_photo_seconds_count');
}

async function removeBucket(client: ReturnType<typeof s3Client>, bucket: string): Promise<void> {
  if (!(await client.bucketExists(bucket))) return;
  const keys: string[] = [];
  for await (const o of client.listObjectsV2(bucket, '', true)) keys.push((o as { name: string }).name);
  for (const key of keys) await client.removeObject(bucket, key);
  await client.removeBucket(bucket);
}

async function deleteKv(natsUrl: string, ns: string): Promise<void> {
  const nats = await NatsClient.connect({
    ...(await testNatsAuth()),
    servers: natsUrl,
    name: 'bench-photo-cleanup',
    logger: testLogger(),
  });
  await nats.jsm.streams.delete(`KV_${ns}_PHOTO_RECENT`).catch(() => undefined);
  await nats.drain();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
