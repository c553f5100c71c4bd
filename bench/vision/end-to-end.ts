import Redis from 'ioredis';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { deleteNamespaceStreams, serviceNatsEnv, connectTestNats } from '@mirror/testing';
import { Replica } from '@mirror/svc-session-vision/test/support/replica';

export interface LoadFigures {
  mirrors: number;
  published: number;
  handled: number;
  analysed: number;
  p50: number;
  p99: number;
  max: number;
}

const pct = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/**
 * Frame to result latency through one replica: `mirrors` cameras each publish 10 fps for `seconds`;
 * the replica reports each handled frame on mirror.<id>.vision (VISION_DEBUG_EVENTS), and the latency is
 * the time from the frame's capture stamp to that report. Frames not handled were dropped (latest wins).
 */
export async function endToEnd(
  natsUrl: string,
  redisUrl: string,
  frames: Uint8Array[],
  loads: number[],
  seconds: number,
): Promise<LoadFigures[]> {
  const ns = `benchvis${Date.now().toString(36)}`;
  const replica = await Replica.start(`${ns}-r`, {
    NATS_URL: natsUrl,
    NATS_NAMESPACE: ns,
    ...(await serviceNatsEnv('session-vision', ns)),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `${ns}:`,
    VISION_DEBUG_EVENTS: 'true',
    FRAME_MAX_AGE_MS: '2000',
  });
  const nc: NatsConnection = await connectTestNats(natsUrl);
  const out: LoadFigures[] = [];
  try {
    for (const mirrors of loads) {
      const latencies: number[] = [];
      let analysed = 0;
      const sub = nc.subscribe(`${ns}.mirror.*.vision`, {
        callback: (_e, msg) => {
          const r = msg.json() as { ts: number; result: string };
          latencies.push(Date.now() - r.ts);
          if (r.result === 'analysed') analysed++;
        },
      });
      let published = 0;
      const ids = Array.from({ length: mirrors }, (_, i) => `bench-${mirrors}-${i}`);
      const end = Date.now() + seconds * 1000;
      await Promise.all(
        ids.map(async (id, m) => {
          // Cameras are not in step: spread their first frames over one interval.
          await new Promise((r) => setTimeout(r, (100 * m) / mirrors));
          for (let seq = 0; Date.now() < end; seq++) {
            const h = headers();
            h.set('ts', String(Date.now()));
            h.set('seq', String(seq));
            nc.publish(`${ns}.mirror.${id}.frame`, frames[(seq + m) % frames.length], { headers: h });
            published++;
            await new Promise((r) => setTimeout(r, 100));
          }
        }),
      );
      await new Promise((r) => setTimeout(r, 1500));
      sub.unsubscribe();
      const sorted = latencies.sort((a, b) => a - b);
      out.push({
        mirrors,
        published,
        handled: latencies.length,
        analysed,
        p50: pct(sorted, 0.5),
        p99: pct(sorted, 0.99),
        max: sorted[sorted.length - 1] ?? NaN,
      });
    }
  } finally {
    await nc.close();
    await replica.stop();
    await deleteNamespaceStreams(ns, natsUrl);
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${ns}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
  return out;
}
