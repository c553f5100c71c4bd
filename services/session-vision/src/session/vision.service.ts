import type { Logger } from 'pino';
import { ulid } from 'ulid';
import type { DetectionPool } from '../detection/detection-pool';
import { centerOf, type HandRegion, regionAroundLandmarks } from '../detection/geometry';
import type { FrameAnalysis } from '../detection/vision.types';
import { frameGestures } from '../gestures/frame-gestures';
import { type GateSettings, type GateState, gate, initialGate } from '../gestures/gesture-gate';
import { type SwipeSettings, type Track, trackSwipe } from '../gestures/swipe-detector';
import { classifyPresence } from '../presence/presence.classifier';
import type { Clock } from './clock';
import { LeaseLostError, type MirrorStateRepository, type StoredMirror } from './mirror-state.repository';
import {
  expire,
  initialPresence,
  observe,
  type PresenceEvent,
  type PresenceSettings,
} from './presence-state-machine';
import type { SessionEventsPublisher } from './session-events.publisher';
import type { VisionMetrics } from './vision.metrics';
import { WorkerSlots } from './worker-slots';

export interface VisionSettings {
  presence: PresenceSettings;
  gate: GateSettings;
  swipe: SwipeSettings;
  gestureMinConfidence: number;
  maxFrameAgeMs: number;
  maxWidth: number;
  maxHeight: number;
  difference: { pixelDelta: number; minChangedPixels: number };
  reanalyseMs: number;
  handDetectorIntervalFrames: number;
  leaseMs: number;
  debugEvents: boolean;
}

export interface IncomingFrame {
  data: Uint8Array;
  /** Capture time (mirror clock), ms. */
  ts: number;
  seq: number;
  /** Arrival time (this server's clock), ms: the state machine runs on it, immune to mirror clock skew. */
  receivedAt: number;
}

/** Everything this replica keeps in memory for one mirror; the durable part (`stored`) lives in Redis. */
interface MirrorRuntime {
  mirrorId: string;
  busy: boolean;
  pending: IncomingFrame | null;
  sweepRequested: boolean;
  owned: boolean;
  leaseCheckedAt: number;
  stored: StoredMirror | null;
  last: FrameAnalysis | null;
  thumb: Uint8Array | null;
  thumbAt: number;
  hints: HandRegion[];
  handCenters: { x: number; y: number }[];
  gate: GateState;
  track: Track;
  framesSinceDetector: number;
  framesSinceWristSearch: number;
  bodyReused: boolean;
}

const TRACK_REGION_SCALE = 1.8;

/**
 * The rules of session-vision: latest frame wins per mirror, one replica owns a mirror (Redis lease),
 * presence drives sessions, poses and swipes drive gestures. Frames of one mirror are handled one at a time.
 */
export class VisionService {
  private readonly mirrors = new Map<string, MirrorRuntime>();
  private readonly slots: WorkerSlots;

  constructor(
    private readonly pool: DetectionPool,
    private readonly repository: MirrorStateRepository,
    private readonly publisher: SessionEventsPublisher,
    private readonly clock: Clock,
    private readonly metrics: VisionMetrics,
    private readonly settings: VisionSettings,
    private readonly logger: Logger,
  ) {
    this.slots = new WorkerSlots(pool.threads);
  }

  /** Takes a frame; an older frame still waiting for this mirror is dropped (latest wins). */
  acceptFrame(mirrorId: string, frame: IncomingFrame): void {
    const m = this.runtime(mirrorId);
    if (m.pending) this.metrics.frame('dropped');
    m.pending = frame;
    if (!m.busy) void this.pump(m);
  }

  /** Checks every mirror with an open session for timeouts (frames stopped, absence). */
  async sweep(): Promise<void> {
    let mirrorIds: string[];
    try {
      mirrorIds = await this.repository.mirrorsToSweep();
    } catch (err) {
      this.logger.warn({ err }, 'cannot list open sessions in Redis; will retry');
      return;
    }
    for (const mirrorId of mirrorIds) {
      const m = this.runtime(mirrorId);
      m.sweepRequested = true;
      if (!m.busy) await this.pump(m);
    }
  }

  /** Open sessions this replica handles right now. */
  openSessions(): number {
    return [...this.mirrors.values()].filter((m) => m.owned && m.stored?.presence.session).length;
  }

  private runtime(mirrorId: string): MirrorRuntime {
    let m = this.mirrors.get(mirrorId);
    if (!m) {
      m = {
        mirrorId,
        busy: false,
        pending: null,
        sweepRequested: false,
        owned: false,
        leaseCheckedAt: -Infinity,
        stored: null,
        last: null,
        thumb: null,
        thumbAt: 0,
        hints: [],
        handCenters: [],
        gate: initialGate(),
        track: [],
        framesSinceDetector: Infinity,
        framesSinceWristSearch: Infinity,
        bodyReused: false,
      };
      this.mirrors.set(mirrorId, m);
    }
    return m;
  }

  private async pump(m: MirrorRuntime): Promise<void> {
    m.busy = true;
    try {
      while (m.pending || m.sweepRequested) {
        // Wait for a worker before taking the frame: whatever arrives meanwhile replaces it.
        const release = m.pending ? await this.slots.acquire() : () => undefined;
        const frame = m.pending;
        m.pending = null;
        const sweeping = !frame && m.sweepRequested;
        m.sweepRequested = false;
        try {
          if (!(await this.ensureOwner(m))) {
            if (frame) this.metrics.frame('not-owner');
            continue;
          }
          if (frame) await this.process(m, frame);
          if (sweeping || !frame) await this.expireIfDue(m);
        } catch (err) {
          if (err instanceof LeaseLostError) {
            this.logger.warn({ mirrorId: m.mirrorId }, err.message);
            this.forget(m);
          } else {
            this.logger.error({ err, mirrorId: m.mirrorId }, 'frame handling failed; the next frame retries');
          }
        } finally {
          release();
        }
      }
    } finally {
      m.busy = false;
    }
  }

  /** True while this replica holds the mirror's lease; renews it at a third of its length. */
  private async ensureOwner(m: MirrorRuntime): Promise<boolean> {
    const now = this.clock.now();
    if (now - m.leaseCheckedAt < this.settings.leaseMs / 3) return m.owned;
    const owned = await this.repository.acquire(m.mirrorId);
    m.leaseCheckedAt = now;
    if (owned && !m.owned) {
      // Taking over (start-up, restart, another replica gone): continue from what the last owner stored.
      m.stored = (await this.repository.load(m.mirrorId)) ?? {
        presence: initialPresence(m.mirrorId),
        outbox: [],
      };
      this.logger.info(
        { mirrorId: m.mirrorId, session: m.stored.presence.session?.sessionId },
        'mirror taken',
      );
      await this.flushOutbox(m);
    }
    if (!owned && m.owned) this.forget(m);
    m.owned = owned;
    return owned;
  }

  private forget(m: MirrorRuntime): void {
    Object.assign(m, { owned: false, leaseCheckedAt: -Infinity, stored: null, last: null, thumb: null });
    this.resetGestures(m);
  }

  private resetGestures(m: MirrorRuntime): void {
    m.hints = [];
    m.handCenters = [];
    m.gate = initialGate();
    m.track = [];
  }

  private async process(m: MirrorRuntime, frame: IncomingFrame): Promise<void> {
    const started = this.clock.now();
    if (started - frame.ts > this.settings.maxFrameAgeMs) {
      this.metrics.frame('stale');
      return;
    }
    const s = this.settings;
    const session = m.stored!.presence.session;
    const mode = session ? 'session' : 'presence';
    const tracked = m.hints.length > 0;
    const detect = !!session && !tracked && m.framesSinceDetector >= s.handDetectorIntervalFrames;
    // While hands are tracked, every other frame reuses the last body (it only gates gestures and cannot
    // have moved far in 100 ms), and wrists are searched for a second hand every third frame.
    const lastBody = m.last?.mode === 'session' ? m.last.body : null;
    const reuseBody =
      !!session &&
      tracked &&
      !m.bodyReused &&
      started - m.thumbAt < 300 &&
      classifyPresence({ faces: [], hands: [], body: lastBody }).present
        ? lastBody
        : null;
    const searchWrists = !tracked || m.framesSinceWristSearch >= 2;
    // An unchanged scene reuses the last analysis, unless it is too old or was made for the other mode.
    const reusable = m.thumb && started - m.thumbAt < s.reanalyseMs && m.last?.mode === mode;
    const result = await this.pool.run({
      jpeg: frame.data,
      mode,
      handHints: m.hints,
      handDetector: detect ? 'if-none-found' : 'never',
      landmarkPasses: 1,
      reuseBody,
      searchWrists,
      previousThumb: reusable ? m.thumb : null,
      difference: s.difference,
      maxWidth: s.maxWidth,
      maxHeight: s.maxHeight,
    });
    if (result.kind === 'undecodable') {
      this.metrics.frame('undecodable');
      this.logger.debug({ mirrorId: m.mirrorId, seq: frame.seq, reason: result.reason }, 'frame skipped');
      return;
    }
    let analysis: FrameAnalysis;
    if (result.kind === 'duplicate') {
      this.metrics.frame('duplicate');
      analysis = m.last!;
      m.framesSinceDetector++;
    } else {
      this.metrics.frame('analysed');
      this.metrics.inference(mode, result.analysis.timings.inferenceMs);
      analysis = result.analysis;
      m.last = analysis;
      m.thumb = result.thumb;
      m.thumbAt = started;
      m.framesSinceDetector = detect ? 0 : m.framesSinceDetector + 1;
      m.framesSinceWristSearch = searchWrists ? 0 : m.framesSinceWristSearch + 1;
      m.bodyReused = !!reuseBody;
    }
    const at = frame.receivedAt;
    const presence = classifyPresence(analysis);
    const t = observe(m.stored!.presence, presence.present, at, s.presence, ulid);
    await this.commit(m, t.state, t.events);
    if (t.events.length) this.resetGestures(m);
    const open = t.state.session;
    let fired: string | null = null;
    if (open && analysis.mode === 'session' && !t.events.some((e) => e.type === 'started')) {
      fired = this.gestures(m, analysis, open.sessionId, at);
    }
    m.hints = open ? this.nextHints(m, analysis) : [];
    this.metrics.latency(this.clock.now() - frame.ts);
    if (s.debugEvents) {
      this.publisher.debug(m.mirrorId, {
        seq: frame.seq,
        ts: frame.ts,
        result: result.kind,
        present: presence.present,
        session: open?.sessionId ?? null,
        hands: analysis.hands.length,
        gesture: fired,
      });
    }
  }

  /**
   * Where to look for each hand in the next frame: around it, moved on by how far it moved since the last
   * frame (a sweeping hand would otherwise leave its region before the next look).
   */
  private nextHints(m: MirrorRuntime, analysis: FrameAnalysis): HandRegion[] {
    const centers = analysis.hands.map((h) => centerOf(h.box));
    const hints = analysis.hands.map((h, i) => {
      const region = regionAroundLandmarks(h.landmarks, TRACK_REGION_SCALE);
      const previous = m.handCenters
        .map((p) => ({ p, d: Math.hypot(p.x - centers[i].x, p.y - centers[i].y) }))
        .filter(({ d }) => d < region.size / 2)
        .sort((a, b) => a.d - b.d)[0]?.p;
      return previous
        ? { ...region, cx: region.cx + centers[i].x - previous.x, cy: region.cy + centers[i].y - previous.y }
        : region;
    });
    m.handCenters = centers;
    return hints;
  }

  private gestures(m: MirrorRuntime, analysis: FrameAnalysis, sessionId: string, at: number): string | null {
    const s = this.settings;
    const { pose, point } = frameGestures(analysis, at, {
      minConfidence: s.gestureMinConfidence,
      requireRaisedHand: true,
    });
    const swipe = trackSwipe(m.track, point, at, s.swipe);
    m.track = swipe.track;
    const g = gate(m.gate, pose, swipe.swipe, at, s.gate);
    m.gate = g.state;
    if (!g.fired) return null;
    this.publisher.gesture(m.mirrorId, sessionId, g.fired.gesture, g.fired.confidence, at);
    this.metrics.gesture(g.fired.gesture);
    return g.fired.gesture;
  }

  private async expireIfDue(m: MirrorRuntime): Promise<void> {
    const t = expire(m.stored!.presence, this.clock.now(), this.settings.presence);
    if (t.events.length) {
      await this.commit(m, t.state, t.events);
      this.resetGestures(m);
    }
    await this.flushOutbox(m);
    // Nobody is there and frames stopped: let the mirror go so any replica can pick it up later.
    const idle = !m.stored!.presence.session && m.stored!.outbox.length === 0;
    const silent =
      this.clock.now() - (m.stored!.presence.lastFrameAt ?? 0) >= this.settings.presence.framesStoppedMs;
    if (idle && silent) {
      await this.repository.release(m.mirrorId);
      this.mirrors.delete(m.mirrorId);
    }
  }

  /** Stores the new state with its events in the outbox first, then publishes them (at-least-once, deduped). */
  private async commit(
    m: MirrorRuntime,
    presence: StoredMirror['presence'],
    events: PresenceEvent[],
  ): Promise<void> {
    m.stored = { presence, outbox: [...m.stored!.outbox, ...events] };
    await this.repository.save(m.stored);
    for (const e of events) {
      this.metrics.session(e.type);
      this.logger.info({ mirrorId: e.mirrorId, sessionId: e.sessionId, event: e.type }, `session ${e.type}`);
    }
    await this.flushOutbox(m);
  }

  private async flushOutbox(m: MirrorRuntime): Promise<void> {
    const stored = m.stored!;
    if (stored.outbox.length === 0) return;
    try {
      for (const event of stored.outbox) await this.publisher.publish(event);
    } catch (err) {
      this.logger.warn({ err, mirrorId: m.mirrorId }, 'session event not published yet; kept in the outbox');
      return;
    }
    m.stored = { ...stored, outbox: [] };
    await this.repository.save(m.stored);
  }
}
