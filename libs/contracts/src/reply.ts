import { z } from 'zod';

/**
 * Every reply travels in an envelope so a refusal is data, not a transport failure:
 * `{ok: true, data}` or `{ok: false, error: {code, message, field?}}`.
 */
export const replyErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  field: z.string().optional(),
});
export type ReplyError = z.infer<typeof replyErrorSchema>;

export function replyEnvelope<S extends z.ZodTypeAny>(data: S) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: replyErrorSchema }),
  ]);
}

/** Well-known reply error codes shared across services. */
export const ReplyCodes = {
  invalidRequest: 'INVALID_REQUEST',
  notFound: 'NOT_FOUND',
  forbidden: 'FORBIDDEN',
  conflict: 'CONFLICT',
  unavailable: 'UNAVAILABLE',
  internal: 'INTERNAL',
} as const;
