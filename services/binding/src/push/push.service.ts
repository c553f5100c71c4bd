import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { PassiveReply } from '@mirror/contracts';
import { Clock, LOGGER, MetricsService } from '@mirror/platform';
import {
  BUSY_ERRCODE,
  TokenRefreshTimeoutError,
  TokenStoreUnavailableError,
  WeChatApiError,
  WeChatTransportError,
} from '@mirror/wechat';
import { CustomerRepository } from '../customers/customer.repository';
import { UnitOfWork } from '../database/unit-of-work';
import { PushNotDeliveredError } from '../shared/errors';
import { WeChatRepository } from '../wechat/wechat.repository';
import { pushRefusal } from './push-window';
import { PushRepository } from './push.repository';

export type PushOutcome = 'sent' | 'nothing' | 'already' | 'skipped' | 'failed' | 'unknown';

/**
 * The fallback when the gateway could not deliver a passive reply: the same content as a
 * customer-service message, at most once per event (a row is claimed before WeChat is called and a
 * claim is never retried unless WeChat certainly did not get it), and never beyond WeChat's window.
 */
@Injectable()
export class PushService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly pushes: PushRepository,
    private readonly customers: CustomerRepository,
    private readonly wechat: WeChatRepository,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Sends `reply` to `openid` for event `eventId`, once; PushNotDeliveredError asks for a redelivery. */
  async push(eventId: string, openid: string, reply: PassiveReply): Promise<PushOutcome> {
    if (reply.type === 'none') return 'nothing';
    const now = this.clock.date();
    const claim = await this.uow.transaction(async () => {
      // the user's row lock serialises the allowance: two events of one user never both take the last slot
      const user = await this.customers.lockWindow(openid);
      if (await this.pushes.exists(eventId)) return 'already' as const;
      const since = user?.burstStartedAt ?? now;
      const refusal = pushRefusal(user, now, await this.pushes.countSince(openid, since));
      await this.pushes.insert({
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
    await this.pushes.finish(eventId, 'sent', this.clock.date());
    return this.count('sent');
  }

  private async failed(eventId: string, e: unknown): Promise<PushOutcome> {
    const at = this.clock.date();
    if (certainlyNotDelivered(e)) {
      await this.pushes.release(eventId);
      throw new PushNotDeliveredError(eventId, e);
    }
    if (e instanceof WeChatTransportError) {
      // no answer: it may have arrived, and a second copy is worse than none
      this.logger.warn({ err: e, eventId }, 'customer-service message outcome unknown; not retried');
      await this.pushes.finish(eventId, 'unknown', at, { reason: e.kind });
      return 'unknown';
    }
    const errcode = e instanceof WeChatApiError ? e.errcode : undefined;
    this.logger.warn({ err: e, eventId, errcode }, 'customer-service message refused');
    await this.pushes.finish(eventId, 'failed', at, {
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
