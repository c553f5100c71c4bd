/**
 * What the NATS server itself counts per client connection (its monitoring endpoint, `/connz`): messages
 * and bytes it received from the connection (`in_*`, what the client published) and delivered to it
 * (`out_*`, what its subscriptions received). The bench compares the bytes delivered to the session-vision
 * replicas with the bytes the cameras published: with partitioned frames each frame is delivered once.
 */

export interface ConnectionCounts {
  cid: number;
  name: string;
  /** The user's tags (`?auth=true`): on the locked bus `namespace:<ns>` says whose test namespace it is. */
  tags: string[];
  inMsgs: number;
  inBytes: number;
  outMsgs: number;
  outBytes: number;
}

interface ConnzConnection {
  cid: number;
  name?: string;
  tags?: string[];
  in_msgs: number;
  in_bytes: number;
  out_msgs: number;
  out_bytes: number;
}

/** The monitoring URL: NATS_MONITOR_URL, else 127.0.0.1 on NATS_MONITOR_PORT (scripts/infra.sh: 8223). */
export function natsMonitorUrl(): string {
  return process.env.NATS_MONITOR_URL ?? `http://127.0.0.1:${process.env.NATS_MONITOR_PORT ?? 8223}`;
}

/** Every client connection the server has now, with its counters. */
export async function readConnections(monitorUrl = natsMonitorUrl()): Promise<ConnectionCounts[]> {
  const res = await fetch(`${monitorUrl}/connz?subs=0&auth=true&limit=1000`);
  if (!res.ok) throw new Error(`NATS monitor ${monitorUrl}/connz answered ${res.status}`);
  const body = (await res.json()) as { total: number; connections: ConnzConnection[] };
  if (body.total > body.connections.length) {
    throw new Error(`NATS monitor lists ${body.connections.length} of ${body.total} connections`);
  }
  return body.connections.map((c) => ({
    cid: c.cid,
    name: c.name ?? '',
    tags: c.tags ?? [],
    inMsgs: c.in_msgs,
    inBytes: c.in_bytes,
    outMsgs: c.out_msgs,
    outBytes: c.out_bytes,
  }));
}

export interface ConnectionTraffic {
  connections: number;
  inMsgs: number;
  inBytes: number;
  outMsgs: number;
  outBytes: number;
}

/**
 * The increase of the counters of the connections matching `which` between two readings. A connection must
 * be in both readings (the bench's connections stay open through a window); one that is not is an error,
 * as its bytes would be miscounted.
 */
export function connectionDelta(
  before: ConnectionCounts[],
  after: ConnectionCounts[],
  which: (c: ConnectionCounts) => boolean,
): ConnectionTraffic {
  const earlier = new Map(before.filter(which).map((c) => [c.cid, c]));
  const now = after.filter(which);
  if (now.length !== earlier.size || now.some((c) => !earlier.has(c.cid))) {
    throw new Error(
      `the measured NATS connections changed during the window (${earlier.size} → ${now.length})`,
    );
  }
  const out: ConnectionTraffic = { connections: now.length, inMsgs: 0, inBytes: 0, outMsgs: 0, outBytes: 0 };
  for (const c of now) {
    const b = earlier.get(c.cid)!;
    out.inMsgs += c.inMsgs - b.inMsgs;
    out.inBytes += c.inBytes - b.inBytes;
    out.outMsgs += c.outMsgs - b.outMsgs;
    out.outBytes += c.outBytes - b.outBytes;
  }
  return out;
}

/** session-vision's connections in one test namespace (all replicas connect as `session-vision`). */
export const replicasOf =
  (namespace: string) =>
  (c: ConnectionCounts): boolean =>
    c.name === 'session-vision' && c.tags.includes(`namespace:${namespace}`);

/** The connection named `name` (the bench's cameras connect under a name of their own). */
export const named =
  (name: string) =>
  (c: ConnectionCounts): boolean =>
    c.name === name;
