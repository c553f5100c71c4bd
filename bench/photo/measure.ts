export interface Figures {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Runs `work` once per item with `concurrency` workers in flight; throughput and latency percentiles. */
export async function measure<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<Figures> {
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++];
        const t0 = process.hrtime.bigint();
        await work(item);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)];
  return { perSecond: items.length / seconds, p50Ms: pick(0.5), p99Ms: pick(0.99) };
}
