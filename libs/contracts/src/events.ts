import { z } from 'zod';
import { defineEvent, type EventContract } from './contract';
import { GESTURES } from './mirror';
import {
  isoTime,
  mirrorId,
  openid,
  photoId,
  sceneStr,
  schemaVersion,
  sessionId,
  sha256Hex,
} from './primitives';

export const sessionStartedSchema = z.object({ v: schemaVersion, sessionId, mirrorId, at: isoTime });
export const sessionEndedSchema = z.object({
  v: schemaVersion,
  sessionId,
  mirrorId,
  at: isoTime,
  reason: z.enum(['absent', 'frames-stopped', 'shutdown']).default('absent'),
});

export const qrIssuedSchema = z.object({
  v: schemaVersion,
  sessionId,
  mirrorId,
  scene: sceneStr,
  ticket: z.string().min(1),
  url: z.string().url(),
  expiresAt: isoTime,
});

const photoKeys = z.object({ original: z.string(), display: z.string(), thumb: z.string() });
export const photoStoredSchema = z.object({
  v: schemaVersion,
  photoId,
  mirrorId,
  sessionId: sessionId.optional(),
  takenAt: isoTime,
  sha256: sha256Hex,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().positive(),
  contentType: z.string(),
  keys: photoKeys,
});
export const photoRejectedSchema = z.object({
  v: schemaVersion,
  photoId: z.string().max(256),
  mirrorId: z.string().max(256),
  reason: z.string(),
  at: isoTime,
});
export const photoDeletedSchema = z.object({ v: schemaVersion, photoId, at: isoTime });

/** `eventId` is the de-duplication key the gateway derived from the callback (also the JetStream msgID). */
const wechatBase = { v: schemaVersion, eventId: z.string().min(1).max(200), openid, at: isoTime };
export const qrScannedSchema = z.object({
  ...wechatBase,
  scene: sceneStr,
  ticket: z.string().optional(),
  newFollower: z.boolean(),
  /** True when the gateway answered `success` instead of a passive reply: binding must push. */
  needsPush: z.boolean().default(false),
});
export const userSubscribedSchema = z.object({ ...wechatBase, scene: z.string().optional() });
export const userUnsubscribedSchema = z.object({ ...wechatBase });
export const productScannedSchema = z.object({
  ...wechatBase,
  event: z.string(),
  keyStandard: z.string(),
  keyStr: z.string(),
  extInfo: z.string().optional(),
});
export const messageReceivedSchema = z.object({
  ...wechatBase,
  msgType: z.string().min(1).max(64),
  msgId: z.string().optional(),
  content: z.string().optional(),
  event: z.string().optional(),
  needsPush: z.boolean().default(false),
  /** Every other field of the callback, as WeChat sent it. */
  fields: z.record(z.string()).default({}),
});

/**
 * A command gesture seen during a session (session-vision → binding's looks): the mirror's state changes
 * on it. `commandId` (also the JetStream msgID) names the gesture once: `<sessionId>-<frame capture ms>`,
 * so the same recognition published twice is one command.
 */
export const gestureRecognisedSchema = z.object({
  v: schemaVersion,
  commandId: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be 1-100 of A-Z a-z 0-9 _ . -'),
  sessionId,
  mirrorId,
  gesture: z.enum(GESTURES),
  confidence: z.number().min(0).max(1),
  /** Capture time of the frame the gesture completed in. */
  at: isoTime,
});

export const Events = {
  sessionStarted: defineEvent('session.started', 'SESSIONS', sessionStartedSchema),
  sessionEnded: defineEvent('session.ended', 'SESSIONS', sessionEndedSchema),
  gestureRecognised: defineEvent('gesture.recognised', 'SESSIONS', gestureRecognisedSchema),
  qrIssued: defineEvent('qr.issued', 'QR', qrIssuedSchema),
  photoStored: defineEvent('photo.stored', 'PHOTOS', photoStoredSchema),
  photoRejected: defineEvent('photo.rejected', 'PHOTOS', photoRejectedSchema),
  photoDeleted: defineEvent('photo.deleted', 'PHOTOS', photoDeletedSchema),
  qrScanned: defineEvent('wechat.qr.scanned', 'WECHAT', qrScannedSchema),
  userSubscribed: defineEvent('wechat.user.subscribed', 'WECHAT', userSubscribedSchema),
  userUnsubscribed: defineEvent('wechat.user.unsubscribed', 'WECHAT', userUnsubscribedSchema),
  productScanned: defineEvent('wechat.product.scanned', 'WECHAT', productScannedSchema),
  messageReceived: defineEvent('wechat.message.received', 'WECHAT', messageReceivedSchema),
} as const;

const eventsBySubject = new Map<string, EventContract>(Object.values(Events).map((c) => [c.subject, c]));

/** The event contract published on `subject` (without namespace), if any: how a consumer finds its schema. */
export function eventContractFor(subject: string): EventContract | undefined {
  return eventsBySubject.get(subject);
}

export type SessionStarted = z.infer<typeof sessionStartedSchema>;
export type SessionEnded = z.infer<typeof sessionEndedSchema>;
export type GestureRecognised = z.infer<typeof gestureRecognisedSchema>;
export type QrIssued = z.infer<typeof qrIssuedSchema>;
export type PhotoStored = z.infer<typeof photoStoredSchema>;
export type PhotoRejected = z.infer<typeof photoRejectedSchema>;
export type PhotoDeleted = z.infer<typeof photoDeletedSchema>;
export type QrScanned = z.infer<typeof qrScannedSchema>;
export type UserSubscribed = z.infer<typeof userSubscribedSchema>;
export type UserUnsubscribed = z.infer<typeof userUnsubscribedSchema>;
export type ProductScanned = z.infer<typeof productScannedSchema>;
export type MessageReceived = z.infer<typeof messageReceivedSchema>;
