import { PeriodicTask } from '@mirror/platform';
import type { Logger } from 'pino';

describe(PeriodicTask.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs one round at a time every interval, logs a failed round and keeps going, and stop waits', async () => {
    const errors: string[] = [];
    const logger = { error: (_o: unknown, m: string) => errors.push(m) } as unknown as Logger;
    let rounds = 0;
    let finish: () => void = () => undefined;
    const run = jest.fn(() => {
      rounds++;
      if (rounds === 2) return Promise.reject(new Error('db away'));
      return new Promise<void>((resolve) => (finish = resolve));
    });
    const sut = new PeriodicTask({ name: 'sweep', intervalMs: 1000, run, logger });
    sut.start();
    await jest.advanceTimersByTimeAsync(1000); // the first round, after at most one interval
    expect(run).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(5000); // still running: no second round meanwhile
    expect(run).toHaveBeenCalledTimes(1);
    finish();
    await jest.advanceTimersByTimeAsync(1000); // the second round fails…
    expect(errors).toEqual(['sweep failed; the next round retries']);
    await jest.advanceTimersByTimeAsync(1000); // …and the third comes anyway
    expect(run).toHaveBeenCalledTimes(3);
    let stopped = false;
    const stopping = sut.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false); // the round in hand finishes first
    finish();
    await stopping;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(run).toHaveBeenCalledTimes(3);
  });
});
