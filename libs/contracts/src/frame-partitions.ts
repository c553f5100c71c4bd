import { isValidMirrorId } from './primitives';

/**
 * Frames reach session-vision partitioned. Mirrors publish `mirror.<id>.frame`; the NATS server maps that
 * subject (a subject mapping in the application account, rendered by @mirror/bus-auth) to
 * `vision.frame.<partition>.<id>`, where the partition is the server's hash of the mirror id modulo
 * `FRAME_PARTITIONS`. A session-vision replica subscribes only to the partitions it owns, so it never
 * receives another replica's frames.
 *
 * The count is fixed: changing it moves mirrors between partitions, and the mapping in the account JWT and
 * every replica must change together (re-run `bus-auth init`, push the account, restart session-vision).
 * 64 partitions spread evenly over up to 64 replicas, ±1 partition each.
 */
export const FRAME_PARTITIONS = 64;

const PARTITIONED = /^vision\.frame\.(\d+)\.([^.]+)$/;

export const FramePartitions = {
  count: FRAME_PARTITIONS,
  /** Every partition's frames: what the session-vision role may subscribe to. */
  all: 'vision.frame.*.*',
  /** One partition's frames, of every mirror in it. */
  subject(partition: number): string {
    if (!Number.isInteger(partition) || partition < 0 || partition >= FRAME_PARTITIONS) {
      throw new RangeError(`partition must be an integer in [0, ${FRAME_PARTITIONS})`);
    }
    return `vision.frame.${partition}.*`;
  },
  /** One mirror's frames in whichever partition: what the mirror's own credential may publish to. */
  ofMirror(mirrorId: string): string {
    if (!isValidMirrorId(mirrorId))
      throw new RangeError(`mirror id "${mirrorId}" must match [a-z0-9-]{1,64}`);
    return `vision.frame.*.${mirrorId}`;
  },
  /** Partition and mirror of a mapped frame subject (namespace already stripped); null if malformed. */
  parse(subject: string): { partition: number; mirrorId: string } | null {
    const m = PARTITIONED.exec(subject);
    if (!m || !isValidMirrorId(m[2])) return null;
    const partition = Number(m[1]);
    return partition < FRAME_PARTITIONS ? { partition, mirrorId: m[2] } : null;
  },
  /**
   * The partition the server maps a mirror's frames to: nats-server's `partition` transform is FNV-1a
   * (32 bit) of the mapped token, modulo the count. Used to know which mirrors' sessions a replica sweeps;
   * an integration test checks it against the server.
   */
  of(mirrorId: string): number {
    let hash = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(mirrorId)) {
      hash ^= byte;
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash % FRAME_PARTITIONS;
  },
  /**
   * The server's subject mappings, source → destination: for a bus without namespace (production) and for
   * one namespaced by a single token (`<ns>.mirror.<id>.frame`, tests and shared buses, see NATS_NAMESPACE).
   */
  mappings: {
    'mirror.*.frame': `vision.frame.{{partition(${FRAME_PARTITIONS},1)}}.{{wildcard(1)}}`,
    '*.mirror.*.frame': `{{wildcard(1)}}.vision.frame.{{partition(${FRAME_PARTITIONS},2)}}.{{wildcard(2)}}`,
  } as Readonly<Record<string, string>>,
};
