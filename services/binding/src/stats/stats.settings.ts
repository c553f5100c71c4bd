import type { AppConfig } from '../config';

export const STATS_SETTINGS = Symbol('STATS_SETTINGS');

/** How the materialised statistics are kept up to date. */
export interface StatsSettings {
  /** How often each replica recomputes the (mirror, day) pairs marked as changed. */
  refreshIntervalMs: number;
  /** Pairs recomputed per transaction. */
  refreshBatch: number;
}

/** The statistics part of the environment. */
export function statsSettings(
  config: Pick<AppConfig, 'STATS_REFRESH_INTERVAL_MS' | 'STATS_REFRESH_BATCH'>,
): StatsSettings {
  return { refreshIntervalMs: config.STATS_REFRESH_INTERVAL_MS, refreshBatch: config.STATS_REFRESH_BATCH };
}
