import { z } from 'zod';
import { defineRequest, type RequestContract } from './contract';
import { isoTime, mirrorId, openid, photoId, sceneStr, schemaVersion, sessionId } from './primitives';
import {
  mirrorsListRequestSchema,
  mirrorsListResponseSchema,
  statsGetRequestSchema,
  statsGetResponseSchema,
} from './stats';

/** WeChat's QR kinds; the limits are enforced by qr-issuer before calling WeChat. */
export const QR_KINDS = ['QR_SCENE', 'QR_STR_SCENE', 'QR_LIMIT_SCENE', 'QR_LIMIT_STR_SCENE'] as const;
export const qrIssueRequestSchema = z.object({
  v: schemaVersion,
  kind: z.enum(QR_KINDS),
  sceneId: z.number().int().optional(),
  sceneStr: z.string().optional(),
  expireSeconds: z.number().int().optional(),
});
export const qrIssueResponseSchema = z.object({
  kind: z.enum(QR_KINDS),
  ticket: z.string(),
  url: z.string(),
  showUrl: z.string().url(),
  expiresAt: isoTime.optional(),
  sceneId: z.number().int().optional(),
  sceneStr: z.string().optional(),
  /** A mirror's permanent code (`m:<mirrorId>`): signed, expiring links to it at print size, when configured. */
  images: z.object({ png: z.string().url(), svg: z.string().url() }).optional(),
});

export const PHOTO_VARIANTS = ['original', 'display', 'thumb'] as const;
export type PhotoVariant = (typeof PHOTO_VARIANTS)[number];
export const PHOTO_URL_MAX_TTL_SECONDS = 900;
export const photoUrlRequestSchema = z.object({
  v: schemaVersion,
  photoId,
  variant: z.enum(PHOTO_VARIANTS).default('display'),
  ttlSeconds: z.number().int().positive().default(300),
});
export const photoUrlResponseSchema = z.object({ url: z.string().url(), expiresAt: isoTime });
export const photoDeleteRequestSchema = z.object({ v: schemaVersion, photoId });
export const photoDeleteResponseSchema = z.object({ deleted: z.boolean() });

/** A passive reply the gateway renders as WeChat XML. */
export const newsArticleSchema = z.object({
  title: z.string().max(64),
  description: z.string().max(512),
  picUrl: z.string().url().optional(),
  url: z.string().url(),
});
export const passiveReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('news'), articles: z.array(newsArticleSchema).min(1).max(8) }),
  z.object({ type: z.literal('text'), content: z.string().min(1).max(2048) }),
  z.object({ type: z.literal('none') }),
]);
export type PassiveReply = z.infer<typeof passiveReplySchema>;

export const replyScanRequestSchema = z.discriminatedUnion('trigger', [
  z.object({ v: schemaVersion, trigger: z.literal('scan'), eventId: z.string(), openid, scene: sceneStr }),
  z.object({
    v: schemaVersion,
    trigger: z.literal('text'),
    eventId: z.string(),
    openid,
    content: z.string().max(2048),
  }),
]);
export const replyScanResponseSchema = z.object({ reply: passiveReplySchema });

export const oauthConfirmRequestSchema = z.object({
  v: schemaVersion,
  code: z.string().min(1).max(512),
  state: z.string().min(1).max(1024),
});
export const oauthConfirmResponseSchema = z.object({ openid, sessionId: sessionId.optional() });

export const galleryPhotoSchema = z.object({
  photoId,
  takenAt: isoTime,
  thumbUrl: z.string().url(),
  displayUrl: z.string().url(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  /** A favourite look (starred at the mirror or on the photo page). */
  favourite: z.boolean().default(false),
});
export const galleryGetRequestSchema = z.object({ v: schemaVersion, openid });
export const galleryGetResponseSchema = z.object({
  openid,
  sessions: z.array(
    z.object({ sessionId, mirrorId, startedAt: isoTime, photos: z.array(galleryPhotoSchema) }),
  ),
});
export const bindingPhotoDeleteRequestSchema = z.object({ v: schemaVersion, openid, photoId });
export const bindingPhotoDeleteResponseSchema = z.object({ deleted: z.boolean() });
/** The photo page: the customer (un)favourites one of their own photos (set, not toggled: a repeat changes nothing). */
export const bindingPhotoFavouriteRequestSchema = z.object({
  v: schemaVersion,
  openid,
  photoId,
  favourite: z.boolean(),
});
export const bindingPhotoFavouriteResponseSchema = z.object({ favourite: z.boolean() });

/** A stable photo link opened in the browser (`page`) or fetched as the news picture (`picture`). */
export const LINK_TARGETS = ['page', 'picture'] as const;
export const linkOpenRequestSchema = z.object({
  v: schemaVersion,
  link: z.string().min(1).max(256),
  target: z.enum(LINK_TARGETS),
});
/** Where to send the browser now: WeChat's OAuth with a fresh state, or a fresh short-lived thumbnail URL. */
export const linkOpenResponseSchema = z.object({ location: z.string().url() });
/** Refusal codes of `binding.link.open` beyond ReplyCodes (NOT_FOUND: nobody's, or the photos were deleted). */
export const LinkOpenCodes = { expired: 'LINK_EXPIRED', forged: 'LINK_FORGED' } as const;

export const Requests = {
  qrIssue: defineRequest('qr.issue', qrIssueRequestSchema, qrIssueResponseSchema),
  photoUrl: defineRequest('photo.url', photoUrlRequestSchema, photoUrlResponseSchema),
  photoDelete: defineRequest('photo.delete', photoDeleteRequestSchema, photoDeleteResponseSchema),
  replyScan: defineRequest('binding.reply.scan', replyScanRequestSchema, replyScanResponseSchema),
  oauthConfirm: defineRequest('binding.oauth.confirm', oauthConfirmRequestSchema, oauthConfirmResponseSchema),
  galleryGet: defineRequest('binding.gallery.get', galleryGetRequestSchema, galleryGetResponseSchema),
  bindingPhotoDelete: defineRequest(
    'binding.photo.delete',
    bindingPhotoDeleteRequestSchema,
    bindingPhotoDeleteResponseSchema,
  ),
  bindingPhotoFavourite: defineRequest(
    'binding.photo.favourite',
    bindingPhotoFavouriteRequestSchema,
    bindingPhotoFavouriteResponseSchema,
  ),
  statsGet: defineRequest('binding.stats.get', statsGetRequestSchema, statsGetResponseSchema),
  mirrorsList: defineRequest('binding.mirrors.list', mirrorsListRequestSchema, mirrorsListResponseSchema),
  linkOpen: defineRequest('binding.link.open', linkOpenRequestSchema, linkOpenResponseSchema),
} as const;

const requestsBySubject = new Map<string, RequestContract>(
  Object.values(Requests).map((c) => [c.subject, c]),
);

/** The request contract served on `subject` (without namespace), if any. */
export function requestContractFor(subject: string): RequestContract | undefined {
  return requestsBySubject.get(subject);
}

export type QrIssueRequest = z.infer<typeof qrIssueRequestSchema>;
export type QrIssueResponse = z.infer<typeof qrIssueResponseSchema>;
export type PhotoUrlRequest = z.infer<typeof photoUrlRequestSchema>;
export type PhotoUrlResponse = z.infer<typeof photoUrlResponseSchema>;
export type ReplyScanRequest = z.infer<typeof replyScanRequestSchema>;
export type ReplyScanResponse = z.infer<typeof replyScanResponseSchema>;
export type OauthConfirmRequest = z.infer<typeof oauthConfirmRequestSchema>;
export type OauthConfirmResponse = z.infer<typeof oauthConfirmResponseSchema>;
export type GalleryGetResponse = z.infer<typeof galleryGetResponseSchema>;
export type LinkOpenRequest = z.infer<typeof linkOpenRequestSchema>;
export { mirrorId };
