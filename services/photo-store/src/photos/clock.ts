import { Injectable } from '@nestjs/common';

/** The time, behind a class so the rules can be tested at any instant. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
