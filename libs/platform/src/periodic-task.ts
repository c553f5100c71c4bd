import type { Logger } from 'pino';

export interface PeriodicTaskOptions {
  /** What a failure is logged as (the next round retries). */
  name: string;
  intervalMs: number;
  run: () => Promise<unknown>;
  logger: Logger;
  /** Level a failed round is logged at. */
  failureLevel?: 'warn' | 'error';
}

/**
 * Runs `run` every `intervalMs`, one round at a time (the next is scheduled when one ends), on every
 * replica; the first round comes after a random part of the interval, so replicas started together spread
 * out. A failed round is logged and the next one retries. `stop` waits for the round in hand.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(private readonly options: PeriodicTaskOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(Math.random() * this.options.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const { run, logger, name, intervalMs, failureLevel = 'error' } = this.options;
    this.timer = setTimeout(() => {
      this.running = run()
        .catch((err: unknown) => logger[failureLevel]({ err }, `${name} failed; the next round retries`))
        .finally(() => {
          this.running = undefined;
          this.schedule(intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }
}
