/**
 * What the bench reads from a session-vision replica: its Prometheus text (/metrics) and GET /partitions,
 * and what it works out from two readings — counter deltas and histogram quantiles.
 */
import type { Replica } from '@mirror/svc-session-vision/test/support/replica';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PartitionStatus {
  replicaId: string;
  replicas: string[];
  share: number;
  partitions: number[];
  mirrors: string[];
}

export interface ReplicaReading {
  id: string;
  samples: Sample[];
  status: PartitionStatus;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a Prometheus text exposition (comments skipped). */
export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(LABEL)) labels[k] = v;
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

export async function readReplica(replica: Replica): Promise<ReplicaReading> {
  const [metrics, status] = await Promise.all([
    fetch(`${replica.url}/metrics`).then((r) => r.text()),
    fetch(`${replica.url}/partitions`).then((r) => r.json() as Promise<PartitionStatus>),
  ]);
  return { id: replica.id, samples: parseMetrics(metrics), status };
}

/** Sum of the samples named `name` whose labels include `labels` (0 when none). */
export function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** A counter's increase between two readings of the same process. */
export function delta(
  before: Sample[],
  after: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  return value(after, name, labels) - value(before, name, labels);
}

/** Cumulative bucket counts of a histogram (le → count), increase between two readings. */
export function bucketDelta(before: Sample[], after: Sample[], histogram: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const s of after) {
    if (s.name !== `${histogram}_bucket`) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    out.set(le, s.value - value(before, s.name, { le: s.labels.le }));
  }
  return out;
}

export function addBuckets(into: Map<number, number>, more: Map<number, number>): Map<number, number> {
  for (const [le, n] of more) into.set(le, (into.get(le) ?? 0) + n);
  return into;
}

/**
 * Quantile `q` of a histogram from its cumulative buckets, interpolated linearly within the bucket it falls
 * in, as Prometheus' histogram_quantile does; past the last finite bound it answers that bound (a floor).
 */
export function histogramQuantile(buckets: Map<number, number>, q: number): number {
  const les = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const le of les) {
    const count = buckets.get(le)!;
    if (count >= rank) {
      if (le === Infinity) return lower;
      return lower + ((le - lower) * (rank - below)) / Math.max(1, count - below);
    }
    lower = le;
    below = count;
  }
  return lower;
}
