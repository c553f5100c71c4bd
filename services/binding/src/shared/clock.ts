import { Injectable } from '@nestjs/common';

/** The wall clock behind a class, so rules that depend on time (windows, expiry, retention) can be tested. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
