import { env, httpShape, loadConfig, natsShape, redisShape } from '@mirror/config';
import { randomBytes } from 'crypto';
import { hostname } from 'os';
import { FRAME_RATE_LIMITS } from '@mirror/contracts';
import { z } from 'zod';

export const SERVICE_NAME = 'session-vision';

/** A frame rate within what the control contract allows. */
const fps = (def: number) =>
  z.coerce
    .number({ invalid_type_error: 'must be a number' })
    .min(FRAME_RATE_LIMITS.min, `must be ≥ ${FRAME_RATE_LIMITS.min}`)
    .max(FRAME_RATE_LIMITS.max, `must be ≤ ${FRAME_RATE_LIMITS.max}`)
    .default(def);

const fraction = (def: number) =>
  z.coerce
    .number({ invalid_type_error: 'must be a number' })
    .min(0, 'must be ≥ 0')
    .max(1, 'must be ≤ 1')
    .default(def);

/** Every variable session-vision reads; see README.md, "Configuration". */
export const configShape = {
  ...httpShape,
  ...natsShape,
  ...redisShape,
  /** Detection worker threads; 0 = one per core. */
  VISION_WORKERS: env.int(0, 0, 64),
  VISION_MAX_WIDTH: env.int(640, 160, 1920),
  VISION_MAX_HEIGHT: env.int(480, 120, 1080),
  /** Frames captured longer ago than this are skipped. */
  FRAME_MAX_AGE_MS: env.int(2000, 100, 60000),
  /** Frame-difference skip (160x120 grey thumbnail): pixels must move this many grey levels to count as changed… */
  FRAME_DIFF_PIXEL_DELTA: env.int(16, 1, 255),
  /** …and at least this many must change for the frame to be analysed again (0 = analyse every frame). */
  FRAME_DIFF_MIN_PIXELS: env.int(8, 0, 19200),
  /** Even an unchanged scene is analysed again after this long, in a session… */
  FRAME_REANALYSE_MS: env.int(1000, 0, 60000),
  /** …and with nobody in a session: a person stepping in changes the scene, so an empty room is re-checked rarely. */
  FRAME_REANALYSE_IDLE_MS: env.int(3000, 0, 60000),
  PRESENCE_START_K: env.int(3, 1, 100),
  PRESENCE_WINDOW_N: env.int(5, 1, 100),
  PRESENCE_STAY_K: env.int(2, 1, 100),
  SESSION_ABSENCE_MS: env.int(12000, 100, 3600000),
  SESSION_FRAMES_STOPPED_MS: env.int(20000, 100, 3600000),
  GESTURE_HOLD_FRAMES: env.int(3, 1, 100),
  GESTURE_REFRACTORY_MS: env.int(1500, 0, 60000),
  GESTURE_MIN_CONFIDENCE: fraction(0.5),
  SWIPE_MIN_TRAVEL: fraction(0.25),
  SWIPE_MAX_DURATION_MS: env.int(1200, 100, 10000),
  /** In session, the whole-frame hand detector (~80 ms) runs at most every this many frames when no hand is tracked. */
  HAND_DETECTOR_INTERVAL_FRAMES: env.int(5, 1, 1000),
  /**
   * Replicas share the frame partitions through leases this long (renewed every third): a replica that dies
   * hands its partitions over within about this long.
   */
  PARTITION_LEASE_MS: env.int(5000, 300, 60000),
  /** A replica owns a mirror for this long unless it renews (it renews while frames arrive). */
  MIRROR_LEASE_MS: env.int(3000, 200, 60000),
  /** Frames on demand: the rate a mirror is asked for while nobody is in front of it… */
  VISION_IDLE_FPS: fps(2),
  /** …and during a session (gestures need it); a mirror sends at most its camera's rate. */
  VISION_SESSION_FPS: fps(10),
  /** How often the advice is repeated, so a restarted mirror learns it. */
  FRAME_RATE_ADVICE_MS: env.int(10000, 1000, 600000),
  SWEEP_INTERVAL_MS: env.int(1000, 50, 60000),
  /** Publish a small JSON result per analysed frame on `mirror.<id>.vision` (debugging, latency bench). */
  VISION_DEBUG_EVENTS: env.bool(false),
  /** This replica's name in leases and logs; defaults to host-pid-random, drawn anew at each start. */
  REPLICA_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be 1-100 of A-Z a-z 0-9 _ . -')
    .default(() => `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`),
};

export type AppConfig = z.infer<z.ZodObject<typeof configShape>>;

/** Validates the environment; a missing or bad variable stops the process naming it. */
export function loadAppConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadConfig(SERVICE_NAME, configShape, source);
}
