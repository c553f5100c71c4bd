import { headers, type NatsConnection } from '@nats-io/transport-node';

/** Publishes frames for one mirror as its camera would: core NATS, `ts` and `seq` headers, a steady rate. */
export class MirrorCamera {
  private seq = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly namespace: string,
    readonly mirrorId: string,
    private readonly intervalMs = 100,
  ) {}

  send(jpeg: Uint8Array, extraHeaders: Record<string, string> | null = {}): void {
    const h = headers();
    if (extraHeaders) {
      h.set('ts', String(Date.now()));
      h.set('seq', String(this.seq++));
      for (const [k, v] of Object.entries(extraHeaders)) h.set(k, v);
    }
    this.nc.publish(`${this.namespace}.mirror.${this.mirrorId}.frame`, jpeg, { headers: h });
  }

  /** Sends each frame in turn, one per interval. */
  async play(frames: Uint8Array[]): Promise<void> {
    for (const frame of frames) {
      this.send(frame);
      await new Promise((r) => setTimeout(r, this.intervalMs));
    }
  }

  /** Sends the same frame for `ms`. */
  async hold(frame: Uint8Array, ms: number): Promise<void> {
    await this.play(Array(Math.max(1, Math.round(ms / this.intervalMs))).fill(frame));
  }
}
