import { Inject, Injectable } from '@nestjs/common';
import { Clock, LOGGER } from '@mirror/platform';
import type { Logger } from 'pino';
import { ulid } from 'ulid';
import { VisionMetrics } from '../shared/vision.metrics';
import { LeaseLostError, MirrorStateRepository, type StoredMirror } from './mirror-state.repository';
import {
  expire,
  initialPresence,
  observe,
  type MirrorPresence,
  type PresenceEvent,
} from './presence-state-machine';
import { FrameRateAdvisor } from './frame-rate.advisor';
import { SessionEventsPublisher } from './session-events.publisher';
import { SESSIONS_SETTINGS, type SessionsSettings } from './sessions.settings';

/** What one frame, or one timeout check, did to a mirror's session. */
export interface SessionChange {
  /** The session open afterwards, if any. */
  session: MirrorPresence['session'];
  events: PresenceEvent[];
}

/**
 * The sessions of the mirrors this replica owns: presence drives the state machine, and every transition
 * goes out through an outbox kept with the state in Redis, so that no session event is lost or doubled by a
 * crash or a hand-over.
 */
@Injectable()
export class SessionService {
  /** The state of each owned mirror, as last saved (the durable copy is in Redis). */
  private readonly mirrors = new Map<string, StoredMirror>();
  /** When this replica took each mirror over (see judged). */
  private readonly watchingSince = new Map<string, number>();
  private readonly logger: Logger;

  constructor(
    private readonly repository: MirrorStateRepository,
    private readonly publisher: SessionEventsPublisher,
    private readonly frameRate: FrameRateAdvisor,
    private readonly clock: Clock,
    private readonly metrics: VisionMetrics,
    @Inject(SESSIONS_SETTINGS) private readonly settings: SessionsSettings,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ replica: settings.replicaId });
  }

  /** Takes a mirror over: continues from what its last owner stored, and publishes what it could not. */
  async resume(mirrorId: string): Promise<void> {
    const stored = (await this.repository.load(mirrorId)) ?? {
      presence: initialPresence(mirrorId),
      outbox: [],
    };
    this.mirrors.set(mirrorId, stored);
    this.watchingSince.set(mirrorId, this.clock.now());
    this.logger.info({ mirrorId, session: stored.presence.session?.sessionId }, 'mirror taken');
    await this.flushOutbox(mirrorId);
  }

  /** Drops what this replica holds of a mirror it no longer owns. */
  forget(mirrorId: string): void {
    this.mirrors.delete(mirrorId);
    this.watchingSince.delete(mirrorId);
    this.frameRate.forget(mirrorId);
  }

  /** The open session of an owned mirror, if any. */
  session(mirrorId: string): MirrorPresence['session'] {
    return this.stored(mirrorId).presence.session;
  }

  /** Mirrors with an open session or unpublished events, on any replica: the timeout sweep's work list. */
  mirrorsToSweep(): Promise<string[]> {
    return this.repository.mirrorsToSweep();
  }

  /** Feeds one analysed frame (a person there or not, arrived at `at`); saves and publishes any transition. */
  async observe(mirrorId: string, present: boolean, at: number): Promise<SessionChange> {
    const t = observe(this.judged(mirrorId, at), present, at, this.settings.presence, ulid);
    await this.commit(mirrorId, t.state, t.events);
    this.frameRate.update(mirrorId, Boolean(t.state.session));
    return { session: t.state.session, events: t.events };
  }

  /** Ends the session if it timed out (absence, frames stopped), and retries an unpublished outbox. */
  async expireIfDue(mirrorId: string): Promise<SessionChange> {
    const now = this.clock.now();
    const t = expire(this.judged(mirrorId, now), now, this.settings.presence);
    if (t.events.length) await this.commit(mirrorId, t.state, t.events);
    await this.flushOutbox(mirrorId);
    this.frameRate.update(mirrorId, Boolean(this.session(mirrorId)));
    return { session: this.session(mirrorId), events: t.events };
  }

  /** Nobody is there, nothing is left to publish and frames stopped: the mirror can be let go. */
  isIdle(mirrorId: string): boolean {
    const { presence, outbox } = this.stored(mirrorId);
    const silent = this.clock.now() - (presence.lastFrameAt ?? 0) >= this.settings.presence.framesStoppedMs;
    return !presence.session && outbox.length === 0 && silent;
  }

  /** Stores the new state with its events in the outbox first, then publishes them (at-least-once, deduped). */
  private async commit(mirrorId: string, presence: MirrorPresence, events: PresenceEvent[]): Promise<void> {
    const stored = { presence, outbox: [...this.stored(mirrorId).outbox, ...events] };
    this.mirrors.set(mirrorId, stored);
    await this.repository.save(stored);
    for (const e of events) {
      this.metrics.session(e.type);
      this.logger.info({ mirrorId: e.mirrorId, sessionId: e.sessionId, event: e.type }, `session ${e.type}`);
    }
    await this.flushOutbox(mirrorId);
  }

  /** Publishes the outbox in order, then empties it; on failure it stays for the next frame or sweep. */
  private async flushOutbox(mirrorId: string): Promise<void> {
    const stored = this.stored(mirrorId);
    if (stored.outbox.length === 0) return;
    try {
      for (const event of stored.outbox) await this.publisher.publish(event);
    } catch (err) {
      this.logger.warn({ err, mirrorId }, 'session event not published yet; kept in the outbox');
      return;
    }
    const flushed = { ...stored, outbox: [] };
    this.mirrors.set(mirrorId, flushed);
    await this.repository.save(flushed);
  }

  /**
   * The state timeouts are judged on. While a mirror moves between replicas nobody watches it, and that
   * time is neither absence nor silence: its clocks count from the take-over (or from a frame `at` that
   * arrived just before it), never from before — unless its frames had already stopped for
   * SESSION_FRAMES_STOPPED_MS when it was taken (a mirror left with an open session while nothing ran).
   */
  private judged(mirrorId: string, at: number): MirrorPresence {
    const presence = this.stored(mirrorId).presence;
    const taken = this.watchingSince.get(mirrorId);
    if (taken === undefined || !presence.session) return presence;
    const since = Math.min(taken, at);
    // frames had stopped long before this replica took the mirror (the system was down, not handing over):
    // the session timed out then, and is judged as it was
    if (
      presence.lastFrameAt !== null &&
      since - presence.lastFrameAt >= this.settings.presence.framesStoppedMs
    ) {
      return presence;
    }
    return {
      ...presence,
      lastPresentAt: Math.max(presence.lastPresentAt ?? presence.session.startedAt, since),
      lastFrameAt: presence.lastFrameAt === null ? null : Math.max(presence.lastFrameAt, since),
    };
  }

  /** The state of an owned mirror; one that is not (or no longer) ours has none here. */
  private stored(mirrorId: string): StoredMirror {
    const stored = this.mirrors.get(mirrorId);
    if (!stored) throw new LeaseLostError(mirrorId);
    return stored;
  }
}
