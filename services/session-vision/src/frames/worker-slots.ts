/**
 * Hands out at most `capacity` slots, first come first served. A mirror takes its frame only once it holds
 * a slot, so the frame sent to a worker is always the newest one: waiting happens here, where a newer frame
 * replaces an older one, not in a worker queue where frames would age.
 */
export class WorkerSlots {
  private inUse = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly capacity: number) {}

  async acquire(): Promise<() => void> {
    if (this.inUse < this.capacity) this.inUse++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.inUse--;
    };
  }
}
