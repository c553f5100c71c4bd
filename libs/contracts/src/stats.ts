import { z } from 'zod';
import { mirrorId, schemaVersion } from './primitives';

/** A calendar day (Asia/Shanghai, the statistics' days), `YYYY-MM-DD`. */
export const statsDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day YYYY-MM-DD')
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'must be a real day',
  );
export const storeId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must match [a-z0-9-]{1,64}');

/** The longest range one statistics request may cover, in days. */
export const STATS_MAX_RANGE_DAYS = 366;
export const STATS_GROUPINGS = ['day', 'mirror', 'store'] as const;

/**
 * `binding.stats.get`: channel statistics over [from, to] (inclusive days), for all stores or only
 * `storeIds` (a store manager's console always names its store), optionally one mirror; `by` groups the rows.
 */
export const statsGetRequestSchema = z
  .object({
    v: schemaVersion,
    from: statsDay,
    to: statsDay,
    storeIds: z.array(storeId).max(1000).optional(),
    mirrorId: mirrorId.optional(),
    by: z.array(z.enum(STATS_GROUPINGS)).max(3).default([]),
  })
  .refine((r) => r.from <= r.to, { message: 'from must not be after to', path: ['from'] })
  .refine((r) => (Date.parse(r.to) - Date.parse(r.from)) / 86400_000 < STATS_MAX_RANGE_DAYS, {
    message: `at most ${STATS_MAX_RANGE_DAYS} days`,
    path: ['to'],
  });

/** Counts only: no openid, no photo. Durations in whole seconds, nearest-rank percentiles (null: none). */
export const statsMetricsSchema = z.object({
  sessionsStarted: z.number().int(),
  sessionsWithQr: z.number().int(),
  sessionsEnded: z.number().int(),
  sessionLengthP50Seconds: z.number().int().nullable(),
  scans: z.object({ session: z.number().int(), permanent: z.number().int(), product: z.number().int() }),
  newFollowers: z.number().int(),
  unsubscribedWithin7Days: z.number().int(),
  claims: z.number().int(),
  confirmations: z.number().int(),
  photosTaken: z.number().int(),
  photosDeletedByCustomers: z.number().int(),
  qrToScanCount: z.number().int(),
  qrToScanP50Seconds: z.number().int().nullable(),
  qrToScanP90Seconds: z.number().int().nullable(),
});
export const statsRowSchema = z.object({
  day: statsDay.optional(),
  /** null: what reached a store (or the chain) but no mirror, e.g. a product code naming only a store. */
  mirrorId: z.string().nullable().optional(),
  storeId: z.string().nullable().optional(),
  metrics: statsMetricsSchema,
});
export const statsGetResponseSchema = z.object({
  from: statsDay,
  to: statsDay,
  timeZone: z.literal('Asia/Shanghai'),
  total: statsMetricsSchema,
  rows: z.array(statsRowSchema),
});

export type StatsGetRequest = z.infer<typeof statsGetRequestSchema>;
export type StatsGetResponse = z.infer<typeof statsGetResponseSchema>;
export type StatsMetrics = z.infer<typeof statsMetricsSchema>;
export type StatsRow = z.infer<typeof statsRowSchema>;
export type StatsGrouping = (typeof STATS_GROUPINGS)[number];

/** `binding.mirrors.list`: the mirrors binding knows, for all stores or only `storeIds`, with what they did last. */
export const mirrorsListRequestSchema = z.object({
  v: schemaVersion,
  storeIds: z.array(storeId).max(1000).optional(),
  mirrorId: mirrorId.optional(),
});
const instant = z.string().datetime({ offset: true }).nullable();
export const mirrorsListResponseSchema = z.object({
  stores: z.array(z.object({ storeId: z.string(), name: z.string().nullable() })),
  mirrors: z.array(
    z.object({
      mirrorId: z.string(),
      storeId: z.string().nullable(),
      registeredAt: instant,
      revokedAt: instant,
      lastSeenAt: instant,
      /** The session open on the mirror (started, not ended), if any. */
      openSession: z.object({ sessionId: z.string(), startedAt: z.string() }).nullable(),
      lastPhotoAt: instant,
    }),
  ),
});
export type MirrorsListRequest = z.infer<typeof mirrorsListRequestSchema>;
export type MirrorsListResponse = z.infer<typeof mirrorsListResponseSchema>;
export type MirrorListing = MirrorsListResponse['mirrors'][number];
