import type { AppConfig } from '../config';

export const RETENTION_SETTINGS = Symbol('RETENTION_SETTINGS');

/** How long unclaimed photos are kept, and how often replicas look for them. */
export interface RetentionSettings {
  /** Photos of sessions nobody confirmed are deleted this long after they were taken. */
  unclaimedMs: number;
  /** How often each replica tries to sweep (one at a time does). */
  intervalMs: number;
}

/** The retention part of the environment. */
export function retentionSettings(
  config: Pick<AppConfig, 'PHOTO_RETENTION_UNCLAIMED_HOURS' | 'RETENTION_INTERVAL_SECONDS'>,
): RetentionSettings {
  return {
    unclaimedMs: config.PHOTO_RETENTION_UNCLAIMED_HOURS * 3600_000,
    intervalMs: config.RETENTION_INTERVAL_SECONDS * 1000,
  };
}
