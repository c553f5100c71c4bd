import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { PassiveReply } from '@mirror/contracts';
import { LOGGER, MetricsService } from '@mirror/platform';
import {
  BUSY_ERRCODE,
  TokenRefreshTimeoutError,
  TokenStoreUnavailableError,
  WeChatApiError,
  WeChatTransportError,
} from '@mirror/wechat';
import type { WeChatUserEntity } from '../database/entities/wechat-user.entity';
import { CustomerRepository } from '../customers/customer.repository';
import { Clock } from '../shared/clock';
import { PushNotDeliveredError } from '../shared/errors';
import { WeChatRepository } from '../wechat/wechat.repository';
import { PushRepository } from './push.repository';

/** WeChat's rules for customer-service messages. */
export const PUSH_RULES = {
  /** After the user's last scan, follow or message. */
  windowMs: 48 * 3600_000,
  /** Messages allowed in the minute after a scan or follow. */
  burstLimit: 3,
  burstWindowMs: 60_000,
};

export type PushOutcome = 'sent' | 'nothing' | 'already' | 'skipped' | 'failed' | 'unknown';

/**
 * The fallback when the gateway could not deliver a passive reply: the same content as a
 * customer-service message, at most once per event (a row is claimed before WeChat is called and a
 * claim is never retried unless WeChat certainly did not get it), and never beyond WeChat's window.
 */
@Injectable()
export class PushService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pushes: PushRepository,
    private readonly customers: CustomerRepository,
    private readonly wechat: WeChatRepository,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async push(eventId: string, openid: string, reply: PassiveReply): Promise<PushOutcome> {
    if (reply.type === 'none') return 'nothing';
    const now = this.clock.now();
    const claim = await this.dataSource.transaction(async (em) => {
      // the user's row lock serialises the allowance: two events of one user never both take the last slot
      const user = await this.customers.lockUser(em, openid);
      if (await this.pushes.exists(em, eventId)) return 'already' as const;
      const since = user?.burstStartedAt ?? now;
      const refusal = this.refusal(user, now, await this.pushes.countSince(em, openid, since));
      await this.pushes.insert(em, {
        eventId,
        openid,
        kind: reply.type,
        status: refusal ? 'skipped' : 'sending',
        reason: refusal,
        at: now,
      });
      if (refusal) this.logger.info({ eventId, reason: refusal }, 'customer-service message not attempted');
      return refusal ? ('skipped' as const) : ('send' as const);
    });
    if (claim !== 'send') return this.count(claim);
    try {
      if (reply.type === 'news') await this.wechat.sendNews(openid, reply.articles[0]);
      else await this.wechat.sendText(openid, reply.content);
    } catch (e) {
      return this.count(await this.failed(eventId, e));
    }
    await this.pushes.finish(this.dataSource.manager, eventId, 'sent', this.clock.now());
    return this.count('sent');
  }

  /** Why WeChat would refuse a message now, or null. */
  private refusal(user: WeChatUserEntity | null, now: Date, sentInBurst: number): string | null {
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

  private async failed(eventId: string, e: unknown): Promise<PushOutcome> {
    const at = this.clock.now();
    if (certainlyNotDelivered(e)) {
      await this.pushes.release(this.dataSource.manager, eventId);
      throw new PushNotDeliveredError(eventId, e);
    }
    if (e instanceof WeChatTransportError) {
      // no answer: it may have arrived, and a second copy is worse than none
      this.logger.warn({ err: e, eventId }, 'customer-service message outcome unknown; not retried');
      await this.pushes.finish(this.dataSource.manager, eventId, 'unknown', at, { reason: e.kind });
      return 'unknown';
    }
    const errcode = e instanceof WeChatApiError ? e.errcode : undefined;
    this.logger.warn({ err: e, eventId, errcode }, 'customer-service message refused');
    await this.pushes.finish(this.dataSource.manager, eventId, 'failed', at, {
      reason: e instanceof Error ? e.message.slice(0, 500) : String(e),
      errcode,
    });
    return 'failed';
  }

  private count(outcome: PushOutcome): PushOutcome {
    this.metrics
      .counter('binding_pushes_total', 'Customer-service message fallbacks by outcome', ['outcome'])
      .inc({ outcome });
    return outcome;
  }
}

/** Failures that happen before WeChat accepted anything: safe to try again later. */
function certainlyNotDelivered(e: unknown): boolean {
  if (e instanceof TokenStoreUnavailableError || e instanceof TokenRefreshTimeoutError) return true;
  if (e instanceof WeChatApiError) return e.errcode === BUSY_ERRCODE || e.isTokenRejected;
  if (e instanceof WeChatTransportError) return /token/.test(e.endpoint);
  return false;
}
