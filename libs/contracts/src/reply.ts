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

function buildEnvelope<S extends z.ZodTypeAny>(data: S) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: replyErrorSchema }),
  ]);
}

// Built once per response schema: every request decodes its reply with it.
const envelopes = new WeakMap<z.ZodTypeAny, z.ZodTypeAny>();

/** The envelope schema around a response schema (the same instance each time for the same schema). */
export function replyEnvelope<S extends z.ZodTypeAny>(data: S): ReturnType<typeof buildEnvelope<S>> {
  let envelope = envelopes.get(data);
  if (!envelope) envelopes.set(data, (envelope = buildEnvelope(data)));
  return envelope as ReturnType<typeof buildEnvelope<S>>;
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

/**
 * Refusal codes of `binding.oauth.confirm` beyond ReplyCodes, so the gateway can tell the customer what
 * to do: open the link again (code), scan again (state), or nothing (someone else's photos).
 */
export const OAuthConfirmCodes = {
  /** The openid that consented is not the one whose scan claimed the session. */
  forbidden: 'FORBIDDEN',
  /** The state's scene is unknown or nobody claimed it. */
  notFound: 'NOT_FOUND',
  /** WeChat 40163: the code was already exchanged. */
  codeReused: 'OAUTH_CODE_REUSED',
  /** WeChat 40029: the code is unknown or expired. */
  codeInvalid: 'OAUTH_CODE_INVALID',
  /** The state is malformed or its signature does not match. */
  stateForged: 'STATE_FORGED',
  /** The state is genuine but expired. */
  stateExpired: 'STATE_EXPIRED',
  /** WeChat did not answer; try again. */
  unavailable: 'UNAVAILABLE',
} as const;
