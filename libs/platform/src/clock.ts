import { Injectable } from '@nestjs/common';

/**
 * The wall clock behind a class, so rules that depend on time (windows, expiry, leases, retention) are tested
 * by moving a clock instead of waiting. Provided once by PlatformModule; every service injects this one.
 */
@Injectable()
export class Clock {
  /** Epoch milliseconds. */
  now(): number {
    return Date.now();
  }

  /** The same instant as a Date. */
  date(): Date {
    return new Date(this.now());
  }
}

/** A clock that moves only when told to (tests). */
export class ManualClock extends Clock {
  constructor(private current = Date.UTC(2025, 0, 1)) {
    super();
  }

  override now(): number {
    return this.current;
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.current += ms;
  }

  /** Sets the clock to an absolute instant (epoch milliseconds or a Date). */
  set(at: number | Date): void {
    this.current = typeof at === 'number' ? at : at.getTime();
  }
}
