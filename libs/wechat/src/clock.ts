/** A source of "now" in epoch milliseconds; injected so tests can move time without waiting. */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to (tests). */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2025, 0, 1)) {}

  /** Current time in epoch milliseconds. */
  now(): number {
    return this.current;
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.current += ms;
  }

  /** Sets the clock to an absolute epoch-millisecond value. */
  set(ms: number): void {
    this.current = ms;
  }
}

export { sleep } from '@mirror/async';
