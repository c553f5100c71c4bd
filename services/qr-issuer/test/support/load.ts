/** What became of one request of a load run. */
export interface Outcome<T> {
  ok: boolean;
  value?: T;
  error?: unknown;
  ms: number;
  startedAt: number;
}

/**
 * Runs `total` calls, at most `concurrency` at a time (each worker starts its next call when its last one
 * ends), so a fault injected while it runs lands in the middle of the load.
 */
export async function load<T>(
  total: number,
  concurrency: number,
  call: (i: number) => Promise<T>,
): Promise<Outcome<T>[]> {
  const outcomes: Outcome<T>[] = new Array(total);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const startedAt = performance.now();
      try {
        const value = await call(i);
        outcomes[i] = { ok: true, value, ms: performance.now() - startedAt, startedAt };
      } catch (error) {
        outcomes[i] = { ok: false, error, ms: performance.now() - startedAt, startedAt };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return outcomes;
}

/** Like `load`, but keeps calling until `keepGoing()` turns false. */
export async function loadWhile<T>(
  keepGoing: () => boolean,
  concurrency: number,
  call: (i: number) => Promise<T>,
): Promise<Outcome<T>[]> {
  const outcomes: Outcome<T>[] = [];
  let next = 0;
  const worker = async () => {
    while (keepGoing()) {
      const i = next++;
      const startedAt = performance.now();
      try {
        const value = await call(i);
        outcomes.push({ ok: true, value, ms: performance.now() - startedAt, startedAt });
      } catch (error) {
        outcomes.push({ ok: false, error, ms: performance.now() - startedAt, startedAt });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes;
}
