import { MirrorSubjects } from '@mirror/contracts';
import type { NatsClient } from '@mirror/nats';
import sharp from 'sharp';
import { ulid } from 'ulid';
import type { ChatMessage, SimulatedCustomer } from './customer';

type Say = (step: string, text: string) => void;

/**
 * A photo taken after the customer scanned: the mirror publishes one more for the session, and binding
 * announces it to the customer as a customer-service news message once the burst has settled.
 */
export async function photoAfterScan(
  nats: NatsClient,
  mirrorId: string,
  sessionId: string,
  customer: SimulatedCustomer,
  say: Say,
  timeoutMs = 90_000,
): Promise<ChatMessage | undefined> {
  const before = (await customer.messages()).length;
  const jpeg = await sharp({
    create: { width: 1280, height: 960, channels: 3, background: { r: 201, g: 170, b: 186 } },
  })
    .jpeg({ quality: 85 })
    .toBuffer();
  const photoId = ulid();
  await nats.publishBytes(MirrorSubjects.of('photo', mirrorId), jpeg, {
    msgID: photoId,
    headers: { 'taken-at': new Date().toISOString(), 'session-id': sessionId },
  });
  say('photo', `the mirror takes one more photo (${photoId}) after the scan…`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const pushed = (await customer.messages()).slice(before).find((m) => m.msgtype === 'news');
    const article = pushed?.articles?.[0];
    if (pushed && article) {
      say('push', `WeChat chat shows a pushed message: "${article.title}" — ${article.description}`);
      return pushed;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  say('push', `no pushed message within ${timeoutMs / 1000} s (see binding's log)`);
  return undefined;
}
