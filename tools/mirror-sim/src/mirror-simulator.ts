import { EventEmitter } from 'node:events';
import {
  MIRROR_STATUS_INTERVAL_MS,
  MirrorSubjects,
  decode,
  mirrorControl,
  mirrorDisplay,
  mirrorGesture,
  mirrorLooks,
  mirrorStatus,
  type ControlMessage,
  type FrameRateControl,
  type LooksState,
  type TakePhotoControl,
} from '@mirror/contracts';
import type { NatsClient } from '@mirror/nats';
import type { Subscription } from '@nats-io/transport-node';
import sharp from 'sharp';
import { ulid } from 'ulid';
import type { z } from 'zod';
import type { Frame } from './frames';

export type DisplayMessage = z.infer<typeof mirrorDisplay.schema>;
export type GestureMessage = z.infer<typeof mirrorGesture.schema>;

export interface MirrorSimulatorOptions {
  mirrorId: string;
  /** The camera's rate: the frame sequence advances at it; frames are sent at most this often. */
  fps: number;
  loop: boolean;
  /** In a session, take a photo this many seconds after it started (0: only when binding asks, after a thumbs-up's countdown). */
  autoPhotoAfterSeconds: number;
  /** The software version it reports on `mirror.<id>.status` (default: mirror-sim's package version). */
  version?: string;
  /** How often it reports its status (default MIRROR_STATUS_INTERVAL_MS). */
  statusIntervalMs?: number;
}

/** mirror-sim's own version: what a simulated mirror reports unless told otherwise. */
export const MIRROR_SIM_VERSION = `mirror-sim ${(require('../package.json') as { version: string }).version}`;

export interface PhotoTaken {
  photoId: string;
  sessionId?: string;
  bytes: number;
  reason: 'take-photo' | 'auto';
}

/**
 * Behaves like a mirror device: publishes camera frames, listens to its display, gesture, control and looks
 * subjects. Frames go out at the rate session-vision asks for on `mirror.<id>.control` (at most the camera's),
 * while the camera keeps running: a slower rate skips frames, it does not slow the scene down. A `take-photo`
 * on the same subject (binding, after a thumbs-up's countdown) publishes the camera frame at `shootAt` as a
 * photo with the id it names, once per id. The looks state (`mirror.<id>.looks`) is passed on newest first:
 * an older version arriving late is dropped.
 * Events: 'frame' (seq, label), 'display' (DisplayMessage), 'gesture' (GestureMessage), 'looks' (LooksState),
 * 'photo' (PhotoTaken), 'frame-rate' (fps, reason), 'error' (Error), 'end'.
 */
export class MirrorSimulator extends EventEmitter {
  private seq = 0;
  private timer?: NodeJS.Timeout;
  private subscriptions: Subscription[] = [];
  private current?: Frame;
  /** How often frames go out: the camera's rate until session-vision asks for another. */
  private sendEveryMs: number;
  private lastSentAt = -Infinity;
  private autoPhoto?: NodeJS.Timeout;
  private statusTimer?: NodeJS.Timeout;
  private readonly startedAt = new Date().toISOString();
  /** Photo ids asked for (shot or scheduled): a repeated command is one photo. */
  private readonly photoIds = new Set<string>();
  private readonly shots = new Set<NodeJS.Timeout>();
  sessionId?: string;
  lastDisplay?: DisplayMessage;
  lastLooks?: LooksState;

  constructor(
    private readonly nats: NatsClient,
    readonly options: MirrorSimulatorOptions,
  ) {
    super();
    MirrorSubjects.of('frame', options.mirrorId); // refuses a malformed mirror id up front
    this.sendEveryMs = 1000 / options.fps;
  }

  /** The camera's newest frame (JPEG): the live view of the reference screen. */
  get cameraFrame(): Buffer | undefined {
    return this.current?.jpeg;
  }

  /** Starts listening and publishing `frames` at the configured rate. */
  start(frames: Frame[]): void {
    const { mirrorId } = this.options;
    this.subscriptions.push(
      this.nats.subscribe(MirrorSubjects.of('display', mirrorId), (msg) =>
        this.onDisplay(decode(mirrorDisplay, msg.data)),
      ),
      this.nats.subscribe(MirrorSubjects.of('gesture', mirrorId), (msg) =>
        this.onGesture(decode(mirrorGesture, msg.data)),
      ),
      this.nats.subscribe(MirrorSubjects.of('control', mirrorId), (msg) =>
        this.onControl(decode(mirrorControl, msg.data)),
      ),
      this.nats.subscribe(MirrorSubjects.of('looks', mirrorId), (msg) =>
        this.onLooks(decode(mirrorLooks, msg.data)),
      ),
    );
    let i = 0;
    const tick = () => {
      if (i >= frames.length) {
        if (!this.options.loop) {
          this.stopFrames();
          this.emit('end');
          return;
        }
        i = 0;
      }
      this.current = frames[i++];
      const now = performance.now();
      // half a camera frame of slack, so a rate that divides the camera's is kept exactly
      if (now - this.lastSentAt < this.sendEveryMs - 500 / this.options.fps) return;
      this.lastSentAt = now;
      this.seq++;
      this.nats.publishRaw(MirrorSubjects.of('frame', mirrorId), this.current.jpeg, {
        ts: String(Date.now()),
        seq: String(this.seq),
      });
      this.emit('frame', this.seq, this.current.label);
    };
    tick(); // the camera is live from the start: a gesture never finds the mirror without a frame
    this.timer = setInterval(tick, 1000 / this.options.fps);
    this.reportStatus();
    this.statusTimer = setInterval(
      () => this.reportStatus(),
      this.options.statusIntervalMs ?? MIRROR_STATUS_INTERVAL_MS,
    );
  }

  /** Its sign of life: version, the rate it sends frames at now, when it started. */
  private reportStatus(): void {
    this.nats.emit(mirrorStatus, MirrorSubjects.of('status', this.options.mirrorId), {
      version: this.options.version ?? MIRROR_SIM_VERSION,
      fps: this.timer ? Math.round((1000 / this.sendEveryMs) * 100) / 100 : 0,
      startedAt: this.startedAt,
    });
  }

  private onControl(message: ControlMessage): void {
    if (message.kind === 'take-photo') this.onTakePhoto(message);
    else this.onFrameRate(message);
  }

  /** Shoots the photo binding asks for when its countdown ends; the same photo id twice is one photo. */
  private onTakePhoto(message: TakePhotoControl): void {
    if (this.photoIds.has(message.photoId)) return;
    this.photoIds.add(message.photoId);
    const timer = setTimeout(
      () => {
        this.shots.delete(timer);
        void this.takePhoto('take-photo', { photoId: message.photoId, sessionId: message.sessionId });
      },
      Math.max(0, Date.parse(message.shootAt) - Date.now()),
    );
    this.shots.add(timer);
  }

  /** The newest state wins; a new session's state always does. */
  private onLooks(state: LooksState): void {
    const last = this.lastLooks;
    if (last && last.sessionId === state.sessionId && state.version <= last.version) return;
    this.lastLooks = state;
    this.emit('looks', state);
  }

  /** Frames at the rate session-vision needs, never above the camera's. */
  private onFrameRate(message: FrameRateControl): void {
    const fps = Math.min(message.fps, this.options.fps);
    const every = 1000 / fps;
    if (every === this.sendEveryMs) return;
    this.sendEveryMs = every;
    this.emit('frame-rate', fps, message.reason);
  }

  private onDisplay(message: DisplayMessage): void {
    this.lastDisplay = message;
    if (message.kind === 'qr' && message.sessionId !== this.sessionId) {
      this.sessionId = message.sessionId;
      if (this.options.autoPhotoAfterSeconds > 0) {
        clearTimeout(this.autoPhoto);
        this.autoPhoto = setTimeout(
          () => void this.takePhoto('auto'),
          this.options.autoPhotoAfterSeconds * 1000,
        );
      }
    } else if (message.kind === 'idle') {
      this.sessionId = undefined;
      clearTimeout(this.autoPhoto);
    }
    this.emit('display', message);
  }

  /** A gesture only flashes on the screen: what it does comes back as looks state and control commands. */
  private onGesture(message: GestureMessage): void {
    this.emit('gesture', message);
  }

  /** Publishes the current camera frame, upscaled as a real mirror camera would shoot it, as a photo. */
  async takePhoto(
    reason: PhotoTaken['reason'],
    asked: { photoId?: string; sessionId?: string } = {},
  ): Promise<PhotoTaken | undefined> {
    if (!this.current) {
      this.emit('error', new Error('no camera frame yet: start() the simulator before taking photos'));
      return undefined;
    }
    try {
      const photoId = asked.photoId ?? ulid();
      const takenAt = new Date();
      // like a camera's own: the capture time and the shot's id in EXIF, so two shots of a scene that did
      // not move are still two photos (photo-store keeps one copy of identical bytes)
      const photo = await sharp(this.current.jpeg)
        .resize({ width: 1280 })
        .withExif({
          IFD0: {
            DateTime: takenAt.toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, ':'),
            ImageDescription: photoId,
          },
        })
        .jpeg({ quality: 90 })
        .toBuffer();
      const sessionId = asked.sessionId ?? this.sessionId;
      const headers: Record<string, string> = { 'taken-at': takenAt.toISOString() };
      if (sessionId) headers['session-id'] = sessionId;
      await this.nats.publishBytes(MirrorSubjects.of('photo', this.options.mirrorId), photo, {
        msgID: photoId,
        headers,
      });
      const taken = { photoId, sessionId, bytes: photo.length, reason };
      this.emit('photo', taken);
      return taken;
    } catch (e) {
      this.emit('error', e);
      return undefined;
    }
  }

  private stopFrames(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async stop(): Promise<void> {
    this.stopFrames();
    clearInterval(this.statusTimer);
    clearTimeout(this.autoPhoto);
    for (const shot of this.shots) clearTimeout(shot);
    this.shots.clear();
    await Promise.all(this.subscriptions.map((s) => s.drain().catch(() => undefined)));
    this.subscriptions = [];
  }
}
