/**
 * bench/e2e — the whole system as OS processes (sandbox + five services):
 *   1. scan → passive reply, at a fixed rate (default 200 scans/s), against GET /healthz of the same
 *      gateway at the same rate (the HTTP floor);
 *   2. photo published by a mirror → visible in the customer's gallery, against publish → photo.stored
 *      (photo-store alone) measured on the same photos.
 * Run: bash scripts/infra.sh && source .infra/env && npm run build && node -r ./scripts/register-ts.js bench/e2e/run.ts
 * Options (env): BENCH_SCAN_RATE (200), BENCH_SCAN_SECONDS (10), BENCH_SESSIONS (300), BENCH_PHOTOS (30),
 * BENCH_CPU_PROF=<dir> (each service writes a V8 CPU profile there when it stops).
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Events, MirrorSubjects, Requests, decode, type QrIssued } from '@mirror/contracts';
import { SERVICE_NAMES, SimulatedCustomer, infraFromEnv, startSystem } from '@mirror/demo';
import { CallbackSigner } from '@mirror/wechat';
import { NatsClient } from '@mirror/nats';
import { createTestDatabase, uniqueName, waitFor, testNatsAuth } from '@mirror/testing';
import pino from 'pino';
import sharp from 'sharp';
import { ulid } from 'ulid';

import { atRate, fmt, percentile } from './stats';

const RATE = Number(process.env.BENCH_SCAN_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SCAN_SECONDS ?? 10);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 300);
const PHOTOS = Number(process.env.BENCH_PHOTOS ?? 30);
const ROOT = resolve(__dirname, '..', '..');
const CPU_PROF = process.env.BENCH_CPU_PROF;
const openidOf = (i: number) => `oBenchCustomer${String(i).padStart(8, '0')}`;

async function main() {
  const infra = infraFromEnv('run bash scripts/infra.sh && source .infra/env');
  const namespace = uniqueName('bench');
  const database = await createTestDatabase(); // a clean slate each run, dropped at the end
  console.log(`bench/e2e: starting the system (namespace ${namespace})…`);
  const system = await startSystem({
    infra: { ...infra, DATABASE_URL: database.url },
    basePort: Number(process.env.BENCH_BASE_PORT ?? 3600),
    namespace,
    logDir: resolve(ROOT, 'artifacts/bench-e2e-logs'),
    logLevel: 'warn',
    ...(CPU_PROF && {
      extraEnv: Object.fromEntries(
        SERVICE_NAMES.map((name) => [
          name,
          {
            NODE_OPTIONS: `--require ${resolve(__dirname, '../support/cpu-profile.js')}`,
            CPU_PROFILE_DIR: resolve(CPU_PROF),
            CPU_PROFILE_NAME: name,
          },
        ]),
      ),
    }),
  });
  const bus = await NatsClient.connect({
    ...(await testNatsAuth()),
    servers: process.env.NATS_URL!,
    name: 'bench-e2e',
    namespace,
    logger: pino({ level: 'silent' }),
  });
  try {
    // --- setup: sessions with one photo each, each claimed by its own customer
    const issued = new Map<string, QrIssued>();
    bus.subscribe(Events.qrIssued.subject, (m) => {
      const e = decode(Events.qrIssued, m.data);
      issued.set(e.sessionId, e);
    });
    const stored = new Map<string, number>();
    bus.subscribe(
      Events.photoStored.subject,
      (m) => void stored.set(decode(Events.photoStored, m.data).photoId, performance.now()),
    );
    const sessions = Array.from({ length: SESSIONS }, () => ulid());
    const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#8a6d5c' } })
      .jpeg()
      .toBuffer();
    for (const [i, sessionId] of sessions.entries()) {
      const mirrorId = `bench-mirror-${i}`;
      await bus.publish(
        Events.sessionStarted,
        { sessionId, mirrorId, at: new Date().toISOString() },
        { msgID: sessionId },
      );
      await bus.publishBytes(MirrorSubjects.of('photo', mirrorId), jpeg, {
        msgID: ulid(),
        headers: { 'taken-at': new Date().toISOString(), 'session-id': sessionId },
      });
    }
    await waitFor(() => issued.size >= SESSIONS && stored.size >= SESSIONS, 180000, 100);
    const signer = new CallbackSigner({
      token: system.secrets.token,
      appId: system.secrets.appId,
      encodingAesKey: system.secrets.encodingAesKey,
    });
    const post = async (req: { path: string; body: string }) => {
      const res = await fetch(system.urls.gateway + req.path, {
        method: 'POST',
        body: req.body,
        headers: { 'content-type': 'text/xml' },
      });
      return signer.openReply(await res.text());
    };
    for (let i = 0; i < SESSIONS; i += 20) {
      await Promise.all(
        sessions
          .slice(i, i + 20)
          .map((s, k) => post(signer.scan(openidOf(i + k), issued.get(s)!.scene, true))),
      );
    }
    console.log(`setup: ${SESSIONS} sessions, each with a stored photo, claimed by ${SESSIONS} customers`);

    // --- 1. scan → passive reply at RATE/s, against /healthz at the same rate
    const floor: number[] = [];
    await atRate(RATE, Math.min(SECONDS, 5), async () => {
      const t = performance.now();
      await (await fetch(`${system.urls.gateway}/healthz`)).text();
      floor.push(performance.now() - t);
    });
    const scans: number[] = [];
    let news = 0;
    await atRate(RATE, SECONDS, async (j) => {
      const i = j % SESSIONS;
      const req = signer.scan(openidOf(i), issued.get(sessions[i])!.scene, false);
      const t = performance.now();
      const reply = await post(req);
      scans.push(performance.now() - t);
      if (reply.includes('<MsgType><![CDATA[news]]></MsgType>')) news++;
    });

    // --- 2. photo → gallery, for one customer who followed the OAuth link
    const customer = new SimulatedCustomer(system.urls.sandbox, openidOf(0));
    const link = await post(signer.scan(openidOf(0), issued.get(sessions[0])!.scene, false));
    const url = /<Url><!\[CDATA\[([^\]]+)\]\]><\/Url>/.exec(link)?.[1];
    if (!url) throw new Error('no OAuth link in the reply');
    const page = await customer.open(url.replace(/&amp;/g, '&'));
    if (page.status !== 200) throw new Error(`gallery page answered ${page.status}`);
    const toGallery: number[] = [];
    const toStored: number[] = [];
    for (let k = 0; k < PHOTOS; k++) {
      const photoId = ulid();
      // distinct pictures (random pixels): the same bytes from one mirror within a minute are one photo by
      // design, and flat colours a few levels apart encode to the very same JPEG
      const picture = await sharp(randomBytes(640 * 480 * 3), {
        raw: { width: 640, height: 480, channels: 3 },
      })
        .jpeg()
        .toBuffer();
      const t = performance.now();
      await bus.publishBytes(MirrorSubjects.of('photo', 'bench-mirror-0'), picture, {
        msgID: photoId,
        headers: { 'taken-at': new Date().toISOString(), 'session-id': sessions[0] },
      });
      let last = '';
      await waitFor(
        async () => {
          const g = await bus.request(Requests.galleryGet, { openid: openidOf(0) }, { timeoutMs: 2000 });
          last = JSON.stringify(g.sessions.map((s) => ({ s: s.sessionId, n: s.photos.length })));
          return g.sessions.some((s) => s.photos.some((p) => p.photoId === photoId));
        },
        30000,
        10,
      ).catch((e: Error) => {
        throw new Error(`photo ${photoId} never reached the gallery (${e.message}); gallery: ${last}`);
      });
      toGallery.push(performance.now() - t);
      toStored.push((stored.get(photoId) ?? NaN) - t);
    }

    const row = (name: string, xs: number[]) =>
      `${name.padEnd(44)} ${String(xs.length).padStart(6)} ${fmt(percentile(xs, 50)).padStart(8)} ${fmt(percentile(xs, 99)).padStart(8)}`;
    console.log(
      `\n${'measurement'.padEnd(44)} ${'n'.padStart(6)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
    );
    console.log(row(`scan → passive reply @ ${RATE}/s (safe mode)`, scans));
    console.log(row(`GET /healthz @ ${RATE}/s (HTTP floor)`, floor));
    console.log(row('photo publish → visible in gallery', toGallery));
    console.log(row('photo publish → photo.stored (photo-store)', toStored));
    console.log(
      `\nnews replies: ${news}/${scans.length}; reply p99 / floor p99: ${(percentile(scans, 99) / percentile(floor, 99)).toFixed(1)}x; ` +
        `gallery p99 / stored p99: ${(percentile(toGallery, 99) / percentile(toStored, 99)).toFixed(2)}x`,
    );
    console.log(
      `targets: reply p99 < 100 ms (${percentile(scans, 99) < 100 ? 'met' : 'missed'}), photo p99 < 1000 ms (${percentile(toGallery, 99) < 1000 ? 'met' : 'missed'})`,
    );
  } finally {
    await bus.drain();
    await system.stop();
    await database.drop();
  }
}

main().catch((e: unknown) => {
  console.error(`bench/e2e failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
