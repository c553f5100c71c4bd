import { z } from 'zod';
import { defineMessage } from './contract';
import { GESTURES } from './mirror';
import { isoTime, mirrorId, photoId, schemaVersion, sessionId } from './primitives';

/** Seconds of the countdown between a thumbs-up and the photo. */
export const LOOK_COUNTDOWN_SECONDS = 3;

/** One look of a session: a photo the mirror took, in the order taken. */
export const lookSchema = z.object({
  photoId,
  takenAt: isoTime,
  favourite: z.boolean(),
  /** Short-lived signed URLs from photo-store, when it answered in time. */
  thumbUrl: z.string().url().optional(),
  displayUrl: z.string().url().optional(),
});
export type Look = z.infer<typeof lookSchema>;

/** A product scanned during the session (its ExtInfo named the session). */
export const lookProductSchema = z.object({ code: z.string().max(128), at: isoTime });

/** What the screen says briefly after a command: the customer sees that the gesture was understood. */
export const LOOK_FEEDBACK = [
  'countdown',
  'photo-taken',
  'busy',
  'browsed',
  'first-look',
  'last-look',
  'no-looks',
  'compare-on',
  'compare-off',
  'need-two-looks',
  'favourited',
  'unfavourited',
  'details-on',
  'details-off',
  'paused',
  'resumed',
  'ignored-paused',
] as const;
export type LookFeedback = (typeof LOOK_FEEDBACK)[number];

/**
 * `mirror.<id>.looks` (core NATS, binding → mirror): the whole state of the mirror's screen during a session,
 * sent after every change. The screen renders the newest `version` it has seen and ignores older ones; it
 * never replays gestures.
 */
export const looksStateSchema = z.object({
  v: schemaVersion,
  mirrorId,
  /** The open session; null: nobody there (the idle screen). */
  sessionId: sessionId.nullable(),
  /** Grows with every change of this mirror's state: an older message arriving late is ignored. */
  version: z.number().int().nonnegative(),
  at: isoTime,
  looks: z.array(lookSchema).max(500),
  /** The look shown beside the live reflection; null: none yet. */
  current: photoId.nullable(),
  /** Side by side: the current look and the live view or the favourite. */
  compare: z
    .object({ left: photoId, with: z.enum(['live', 'favourite']), right: photoId.nullable() })
    .nullable(),
  /** Gesture commands are paused (open palm); only another open palm resumes them. */
  paused: z.boolean(),
  /** A photo is coming: the screen counts down to `endsAt`, then the mirror shoots `photoId`. */
  countdown: z.object({ photoId, endsAt: isoTime, seconds: z.number().int().positive().max(10) }).nullable(),
  /** Details of the look on screen (pointing up). */
  details: z.object({ photoId, takenAt: isoTime, products: z.array(lookProductSchema).max(50) }).nullable(),
  /** What the last command did, for a short message on the screen. */
  feedback: z.enum(LOOK_FEEDBACK).nullable(),
  /** The command behind this state: its gesture and when session-vision received the frame it was seen in. */
  cause: z.object({ commandId: z.string().max(200), gesture: z.enum(GESTURES), at: isoTime }).nullable(),
});
export type LooksState = z.infer<typeof looksStateSchema>;
export const mirrorLooks = defineMessage('mirror.*.looks', looksStateSchema);
