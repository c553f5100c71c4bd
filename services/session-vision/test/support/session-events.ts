import Redis from 'ioredis';
import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { testEnv } from '@mirror/testing';

export interface SessionEvent {
  subject: string;
  sessionId: string;
  mirrorId: string;
  at: string;
  reason?: string;
}

/** Everything the SESSIONS stream of the namespace holds for one mirror, in order. */
export async function sessionEvents(
  nc: NatsConnection,
  ns: string,
  mirrorId: string,
): Promise<SessionEvent[]> {
  return (await allSessionEvents(nc, ns)).filter((e) => e.mirrorId === mirrorId);
}

/** Everything the SESSIONS stream of the namespace holds, in order. */
export async function allSessionEvents(nc: NatsConnection, ns: string): Promise<SessionEvent[]> {
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const stream = `${ns}_SESSIONS`;
  const info = await jsm.streams.info(stream).catch(() => null);
  if (!info || info.state.messages === 0) return [];
  const consumer = await js.consumers.get(stream);
  const out: SessionEvent[] = [];
  const batch = await consumer.fetch({ max_messages: info.state.messages, expires: 2000 });
  for await (const m of batch as AsyncIterable<JsMsg>) {
    out.push({ subject: m.subject, ...(m.json() as Omit<SessionEvent, 'subject'>) });
    if (m.info.pending === 0) break;
  }
  return out;
}

export async function flushRedis(prefix: string): Promise<void> {
  const redis = new Redis(testEnv.redisUrl());
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}
