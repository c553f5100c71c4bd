import type { AppConfig } from '../config';
import type { PresenceSettings } from './presence-state-machine';

export const SESSIONS_SETTINGS = Symbol('SESSIONS_SETTINGS');

/** Who owns a mirror, and when its sessions start and end. */
export interface SessionsSettings {
  /** This replica's name in leases and logs. */
  replicaId: string;
  /** A replica owns a mirror for this long unless it renews the lease. */
  leaseMs: number;
  presence: PresenceSettings;
  /** Frames on demand: what each mirror is asked for, and how often the advice is repeated. */
  frameRate: { idleFps: number; sessionFps: number; refreshMs: number };
}

/** The sessions part of the environment. */
export function sessionsSettings(
  config: Pick<
    AppConfig,
    | 'REPLICA_ID'
    | 'MIRROR_LEASE_MS'
    | 'PRESENCE_START_K'
    | 'PRESENCE_WINDOW_N'
    | 'PRESENCE_STAY_K'
    | 'SESSION_ABSENCE_MS'
    | 'SESSION_FRAMES_STOPPED_MS'
    | 'VISION_IDLE_FPS'
    | 'VISION_SESSION_FPS'
    | 'FRAME_RATE_ADVICE_MS'
  >,
): SessionsSettings {
  return {
    replicaId: config.REPLICA_ID,
    leaseMs: config.MIRROR_LEASE_MS,
    presence: {
      startK: config.PRESENCE_START_K,
      windowN: config.PRESENCE_WINDOW_N,
      stayK: config.PRESENCE_STAY_K,
      absenceMs: config.SESSION_ABSENCE_MS,
      framesStoppedMs: config.SESSION_FRAMES_STOPPED_MS,
    },
    frameRate: {
      idleFps: config.VISION_IDLE_FPS,
      sessionFps: config.VISION_SESSION_FPS,
      refreshMs: config.FRAME_RATE_ADVICE_MS,
    },
  };
}
