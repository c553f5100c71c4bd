import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@mirror/platform';
import { GestureTracker } from '../gestures/gesture.tracker';
import { classifyPresence } from '../presence/presence.classifier';
import { MirrorOwnership } from '../sessions/mirror.ownership';
import { SessionService } from '../sessions/session.service';
import { VisionMetrics } from '../shared/vision.metrics';
import { FrameAnalyser } from './frame.analyser';
import { FRAMES_SETTINGS, type FramesSettings } from './frames.settings';
import type { IncomingFrame } from './incoming-frame';
import { VisionDebugPublisher } from './vision-debug.publisher';

/**
 * What a mirror's lane runs, one step at a time (FrameScheduler): the ownership check, then a frame
 * (detection → presence → session → gestures) or a timeout check. Keeps the mirror's state in step across
 * the features: a session that starts or ends resets the gestures, a mirror that is lost or let go is
 * forgotten everywhere.
 */
@Injectable()
export class MirrorPipeline {
  constructor(
    private readonly ownership: MirrorOwnership,
    private readonly sessions: SessionService,
    private readonly analyser: FrameAnalyser,
    private readonly gestures: GestureTracker,
    private readonly debug: VisionDebugPublisher,
    private readonly metrics: VisionMetrics,
    private readonly clock: Clock,
    @Inject(FRAMES_SETTINGS) private readonly settings: FramesSettings,
  ) {}

  /** True while this replica owns the mirror (see MirrorOwnership); a mirror just lost is forgotten. */
  async ensureOwner(mirrorId: string): Promise<boolean> {
    const ownership = await this.ownership.ensureOwner(mirrorId);
    if (ownership === 'lost') this.forget(mirrorId);
    return ownership === 'owned';
  }

  /** Forgets a mirror another replica owns now: its next frame starts from what that replica stores. */
  forget(mirrorId: string): void {
    this.ownership.forget(mirrorId);
    this.analyser.forget(mirrorId);
    this.gestures.reset(mirrorId);
  }

  /** One frame of an owned mirror. */
  async process(mirrorId: string, frame: IncomingFrame): Promise<void> {
    const started = this.clock.now();
    if (started - frame.ts > this.settings.maxFrameAgeMs) {
      this.metrics.frame('stale');
      return;
    }
    const inSession = this.sessions.session(mirrorId) !== null;
    const hints = this.gestures.hints(mirrorId);
    const result = await this.analyser.analyse(mirrorId, frame, inSession, hints, started);
    if (!result) return;
    const { analysis } = result;
    const at = frame.receivedAt;
    const { present } = classifyPresence(analysis);
    const { session, events } = await this.sessions.observe(mirrorId, present, at);
    if (events.length) this.gestures.reset(mirrorId);
    // the frame that opens a session only opens it: commands start with the next one
    const gesturing = session && analysis.mode === 'session' && !events.some((e) => e.type === 'started');
    const fired = gesturing ? this.gestures.recognise(mirrorId, analysis, session.sessionId, at) : null;
    this.gestures.follow(mirrorId, session ? analysis : null);
    this.metrics.latency(this.clock.now() - frame.ts);
    if (this.settings.debugEvents) {
      this.debug.publish(mirrorId, {
        seq: frame.seq,
        ts: frame.ts,
        result: result.kind,
        present,
        session: session?.sessionId ?? null,
        hands: analysis.hands.length,
        gesture: fired,
      });
    }
  }

  /**
   * A timeout check of an owned mirror without a frame: ends a timed-out session, retries its outbox, and
   * lets an idle, silent mirror go. True when it was let go.
   */
  async expireIfDue(mirrorId: string): Promise<boolean> {
    const { events } = await this.sessions.expireIfDue(mirrorId);
    if (events.length) this.gestures.reset(mirrorId);
    if (!this.sessions.isIdle(mirrorId)) return false;
    await this.letGo(mirrorId);
    return true;
  }

  /** Releases the mirror's lease and forgets it here: the next replica to get its frames takes over at once. */
  async letGo(mirrorId: string): Promise<void> {
    await this.ownership.release(mirrorId);
    this.analyser.drop(mirrorId);
    this.gestures.reset(mirrorId);
  }
}
