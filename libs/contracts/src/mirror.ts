import { z } from 'zod';
import { defineMessage } from './contract';
import { isoTime, mirrorId, photoId, sessionId, isValidMirrorId } from './primitives';
import { ContractViolationError } from './contract-violation.error';

/** Per-mirror subjects: `mirror.<mirrorId>.<channel>`. */
export type MirrorChannel =
  'frame' | 'photo' | 'display' | 'gesture' | 'vision' | 'control' | 'looks' | 'status';

export const MirrorSubjects = {
  /** Wildcard matching one channel of every mirror, e.g. `mirror.*.frame`. */
  all: (channel: MirrorChannel) => `mirror.*.${channel}`,
  /** The subject of one mirror's channel; refuses a malformed mirror id. */
  of(channel: MirrorChannel, id: string): string {
    if (!isValidMirrorId(id)) {
      throw new ContractViolationError(`mirror.?.${channel}`, [
        { field: 'mirrorId', message: 'must match [a-z0-9-]{1,64}' },
      ]);
    }
    return `mirror.${id}.${channel}`;
  },
  /** Extracts the mirror id from a per-mirror subject (namespace already stripped); null if malformed. */
  parse(subject: string): { mirrorId: string; channel: MirrorChannel } | null {
    const m = /^mirror\.([^.]+)\.(frame|photo|display|gesture|vision|control|looks|status)$/.exec(subject);
    if (!m || !isValidMirrorId(m[1])) return null;
    return { mirrorId: m[1], channel: m[2] as MirrorChannel };
  },
};

/** Headers of `mirror.<id>.frame` (core NATS, JPEG bytes). */
export const frameHeadersSchema = z.object({
  ts: z.coerce.number().int().positive(),
  seq: z.coerce.number().int().nonnegative(),
});

/** Headers of `mirror.<id>.photo` (JetStream, image bytes). */
export const photoHeadersSchema = z.object({
  'Nats-Msg-Id': photoId,
  'taken-at': isoTime,
  'session-id': sessionId.optional(),
});
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;

export const displaySchema = z.discriminatedUnion('kind', [
  z.object({
    v: z.literal(1).default(1),
    kind: z.literal('qr'),
    sessionId,
    url: z.string().url(),
    imageUrl: z.string().url().optional(),
    expiresAt: isoTime,
  }),
  z.object({ v: z.literal(1).default(1), kind: z.literal('idle'), sessionId: sessionId.optional() }),
  z.object({
    v: z.literal(1).default(1),
    kind: z.literal('notice'),
    sessionId: sessionId.optional(),
    text: z.string().max(200),
  }),
]);
export const mirrorDisplay = defineMessage('mirror.*.display', displaySchema);

export const GESTURES = [
  'swipe_left',
  'swipe_right',
  'thumbs_up',
  'open_palm',
  'victory',
  'fist',
  'pointing_up',
] as const;
export type Gesture = (typeof GESTURES)[number];
export const gestureSchema = z.object({
  v: z.literal(1).default(1),
  sessionId,
  mirrorId,
  gesture: z.enum(GESTURES),
  confidence: z.number().min(0).max(1),
  at: isoTime,
});
export const mirrorGesture = defineMessage('mirror.*.gesture', gestureSchema);

/**
 * `mirror.<id>.vision` (core NATS): session-vision's result for one handled frame, published only with
 * `VISION_DEBUG_EVENTS=true` (debugging, the latency bench).
 */
export const visionResultSchema = z.object({
  v: z.literal(1).default(1),
  /** The frame's `seq` header. */
  seq: z.number().int().nonnegative(),
  /** The frame's `ts` header: capture time on the mirror's clock, epoch ms. */
  ts: z.number().int().positive(),
  /** `duplicate`: the scene had not changed, the last analysis was reused. */
  result: z.enum(['analysed', 'duplicate']),
  present: z.boolean(),
  /** The open session after this frame, if any. */
  session: sessionId.nullable(),
  hands: z.number().int().nonnegative(),
  /** The command this frame fired, if any. */
  gesture: z.enum(GESTURES).nullable(),
});
export const mirrorVision = defineMessage('mirror.*.vision', visionResultSchema);

/** The frame rates a mirror may be asked for: from one frame every ten seconds to 30 per second. */
export const FRAME_RATE_LIMITS = { min: 0.1, max: 30 } as const;

/**
 * `mirror.<id>.control` (core NATS): what the backend asks of the mirror's camera.
 *
 * `frame-rate` (session-vision): frames at this rate (at most the camera's) until told otherwise; repeated
 * now and then, so a restarted mirror learns it within seconds.
 *
 * `take-photo` (binding, after a thumbs-up's countdown): shoot at `shootAt` and publish the photo with
 * `photoId` as its `Nats-Msg-Id` and `sessionId` as its `session-id`. The same command twice is one photo:
 * the mirror shoots a photo id once, and JetStream drops a republished id.
 */
export const controlSchema = z.discriminatedUnion('kind', [
  z.object({
    v: z.literal(1).default(1),
    kind: z.literal('frame-rate'),
    fps: z.number().min(FRAME_RATE_LIMITS.min).max(FRAME_RATE_LIMITS.max),
    /** Why: nobody there (idle) or a session open. */
    reason: z.enum(['idle', 'session']),
  }),
  z.object({
    v: z.literal(1).default(1),
    kind: z.literal('take-photo'),
    sessionId,
    photoId,
    shootAt: isoTime,
  }),
]);
export type ControlMessage = z.infer<typeof controlSchema>;
export type FrameRateControl = Extract<ControlMessage, { kind: 'frame-rate' }>;
export type TakePhotoControl = Extract<ControlMessage, { kind: 'take-photo' }>;
export const mirrorControl = defineMessage('mirror.*.control', controlSchema);

/** How often a mirror says it is there (`mirror.<id>.status`); a mirror silent for 3 periods is offline. */
export const MIRROR_STATUS_INTERVAL_MS = 30_000;

/**
 * `mirror.<id>.status` (core NATS): a mirror's sign of life, at start and every MIRROR_STATUS_INTERVAL_MS:
 * its software version and the frame rate it sends now (the staff console shows both).
 */
export const mirrorStatusSchema = z.object({
  v: z.literal(1).default(1),
  /** The mirror's software version, as its maker names it. */
  version: z.string().min(1).max(40),
  /** Frames per second it sends now (0: camera off). */
  fps: z.number().min(0).max(FRAME_RATE_LIMITS.max),
  /** When the mirror started, ISO time. */
  startedAt: isoTime,
});
export type MirrorStatus = z.infer<typeof mirrorStatusSchema>;
export const mirrorStatus = defineMessage('mirror.*.status', mirrorStatusSchema);
