import { Inject, Injectable } from '@nestjs/common';
import { MirrorSubjects, mirrorControl } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';
import { Clock } from '@mirror/platform';
import { SESSIONS_SETTINGS, type SessionsSettings } from './sessions.settings';

/**
 * Frames on demand: tells each mirror the frame rate session-vision needs from it — a few frames a second
 * while nobody is there (enough to see someone step in), more during a session (gestures) — on every change,
 * and again every `refreshMs` so a restarted mirror learns it. An empty room then costs a fraction of the
 * bandwidth and CPU of a session.
 */
@Injectable()
export class FrameRateAdvisor {
  private readonly advised = new Map<string, { fps: number; at: number }>();

  constructor(
    private readonly nats: NatsClient,
    private readonly clock: Clock,
    @Inject(SESSIONS_SETTINGS) private readonly settings: SessionsSettings,
  ) {}

  /** Sends the rate the mirror's state calls for, when it changed or the last advice is getting old. */
  update(mirrorId: string, inSession: boolean): void {
    const { idleFps, sessionFps, refreshMs } = this.settings.frameRate;
    const fps = inSession ? sessionFps : idleFps;
    const now = this.clock.now();
    const last = this.advised.get(mirrorId);
    if (last && last.fps === fps && now - last.at < refreshMs) return;
    this.advised.set(mirrorId, { fps, at: now });
    this.nats.emit(mirrorControl, MirrorSubjects.of('control', mirrorId), {
      kind: 'frame-rate',
      fps,
      reason: inSession ? 'session' : 'idle',
    });
  }

  /** The mirror is no longer this replica's: its next owner advises it. */
  forget(mirrorId: string): void {
    this.advised.delete(mirrorId);
  }
}
