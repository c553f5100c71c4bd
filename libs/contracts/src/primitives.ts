import { z } from 'zod';

/** Mirror ids are `[a-z0-9-]{1,64}`; anything else is rejected at the edge. */
export const MIRROR_ID_PATTERN = /^[a-z0-9-]{1,64}$/;
export const mirrorId = z.string().regex(MIRROR_ID_PATTERN, 'must match [a-z0-9-]{1,64}');
/** Session ids are ULIDs: unique and sortable by creation time. */
export const sessionId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID');
export const photoId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 of A-Z a-z 0-9 _ -');
export const isoTime = z.string().datetime({ offset: true, message: 'must be an ISO-8601 timestamp' });
export const openid = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, 'must be a WeChat openid');
/** A QR string scene: 1-64 characters (WeChat's limit). */
export const sceneStr = z.string().min(1).max(64);
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex sha256');
export const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:/.test(u), 'must be an http(s) URL');

/** Every payload carries the version of its schema; v1 is the only one so far. */
export const schemaVersion = z.literal(1).default(1);

export function isValidMirrorId(id: string): boolean {
  return MIRROR_ID_PATTERN.test(id);
}
