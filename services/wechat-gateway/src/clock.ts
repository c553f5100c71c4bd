import { Injectable } from '@nestjs/common';

/** The wall clock, behind a class so the rules can be driven by a fake one in tests. */
@Injectable()
export class Clock {
  /** Epoch milliseconds. */
  now(): number {
    return Date.now();
  }
}
