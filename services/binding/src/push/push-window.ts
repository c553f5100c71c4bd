import type { MessagingWindow } from '../customers/customer.repository';

/** WeChat's rules for customer-service messages. */
export const PUSH_RULES = {
  /** After the user's last scan, follow or message. */
  windowMs: 48 * 3600_000,
  /** Messages allowed in the minute after a scan or follow. */
  burstLimit: 3,
  burstWindowMs: 60_000,
};

/**
 * Why WeChat would refuse a customer-service message to this user at `now` (so binding does not try), or
 * null when it may be sent. `sentInBurst`: messages sent, under way or maybe sent since the last scan/follow.
 */
export function pushRefusal(user: MessagingWindow | null, now: Date, sentInBurst: number): string | null {
  if (!user) return 'unknown user';
  if (!user.subscribed) return 'not following';
  if (!user.lastInteractionAt || now.getTime() - user.lastInteractionAt.getTime() > PUSH_RULES.windowMs) {
    return 'outside the 48-hour window';
  }
  const burst = user.burstStartedAt;
  if (
    burst &&
    now.getTime() - burst.getTime() < PUSH_RULES.burstWindowMs &&
    sentInBurst >= PUSH_RULES.burstLimit
  ) {
    return `${PUSH_RULES.burstLimit} messages already sent in the minute after the scan`;
  }
  return null;
}
