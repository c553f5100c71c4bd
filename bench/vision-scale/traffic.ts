/**
 * The simulated mirrors: each camera publishes its scene at its own rate (a person's mirror at the session
 * rate, an empty room's at the idle rate), on a 100 ms tick, the empty rooms spread over the ticks so they
 * are not in step. Counts the frames and JPEG bytes each mirror sent; a mirror's rate can change on the
 * way (as a mirror obeys session-vision's frame-rate advice); can be held still for a moment so that a reading of the
 * replicas' counters lines up exactly with what had been sent.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { MirrorCamera } from '@mirror/svc-session-vision/test/support/mirror-camera';

const TICK_MS = 100;

export class Traffic {
  readonly sent = new Map<string, number>();
  /** JPEG bytes sent per mirror (the payloads; the `ts`/`seq` headers are not counted). */
  readonly bytes = new Map<string, number>();
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private gate: Promise<void> = Promise.resolve();

  constructor(
    private readonly nc: NatsConnection,
    private readonly cameras: { camera: MirrorCamera; frame: Uint8Array; fps: number }[],
  ) {
    for (const c of cameras) checkRate(c.fps);
  }

  /** Sets the rate of the mirrors `only` picks (all by default), from the next tick on. */
  rate(fps: number, only: (mirrorId: string) => boolean = () => true): void {
    checkRate(fps);
    for (const c of this.cameras) if (only(c.camera.mirrorId)) c.fps = fps;
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      let next = Date.now();
      for (let tick = 0; this.running; tick++) {
        await this.gate;
        if (!this.running) break;
        for (const [i, { camera, frame, fps }] of this.cameras.entries()) {
          const every = 1000 / TICK_MS / fps;
          if ((tick + i) % every !== 0) continue;
          camera.send(frame);
          this.sent.set(camera.mirrorId, (this.sent.get(camera.mirrorId) ?? 0) + 1);
          this.bytes.set(camera.mirrorId, (this.bytes.get(camera.mirrorId) ?? 0) + frame.byteLength);
        }
        // a held tick is not made up for with a burst afterwards
        next = Math.max(next + TICK_MS, Date.now());
        await new Promise((r) => setTimeout(r, next - Date.now()));
      }
    })();
  }

  /**
   * Runs `read` with the cameras held: everything sent so far has reached the server (flush) and, after
   * `settleMs`, the replicas; nothing more is sent until `read` is done. Answers `read`'s result and the
   * frames and bytes sent per mirror up to then.
   */
  async held<T>(
    read: () => Promise<T>,
    settleMs = 300,
  ): Promise<{ result: T; sent: Map<string, number>; bytes: Map<string, number> }> {
    let release!: () => void;
    this.gate = new Promise((r) => (release = r));
    try {
      await this.nc.flush();
      await new Promise((r) => setTimeout(r, settleMs));
      const sent = new Map(this.sent);
      const bytes = new Map(this.bytes);
      return { result: await read(), sent, bytes };
    } finally {
      release();
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  total(sent: Map<string, number> = this.sent, only: (mirrorId: string) => boolean = () => true): number {
    let n = 0;
    for (const [mirrorId, count] of sent) if (only(mirrorId)) n += count;
    return n;
  }
}

function checkRate(fps: number): void {
  const ticksPerFrame = 1000 / TICK_MS / fps;
  if (!Number.isInteger(ticksPerFrame) || ticksPerFrame < 1) {
    throw new Error(`a mirror's rate must divide ${1000 / TICK_MS} fps (got ${fps})`);
  }
}
