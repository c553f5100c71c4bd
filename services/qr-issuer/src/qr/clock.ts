/** The wall clock behind a class, so the rules that depend on time can be tested without waiting. */
export class Clock {
  /** Epoch milliseconds. */
  now(): number {
    return Date.now();
  }
}
