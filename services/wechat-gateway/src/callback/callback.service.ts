import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { sleep } from '@mirror/async';
import { Clock, LOGGER } from '@mirror/platform';
import {
  callbackReplyBody,
  openCallback,
  SUCCESS_REPLY,
  verifySignature,
  WeChatCallbackError,
  WeChatMessageCrypto,
  type CallbackMessage,
  type CallbackQuery,
} from '@mirror/wechat';
import type { Logger } from 'pino';
import { BindingReplyClient } from './binding-reply.client';
import { CallbackGuardRepository, type ClaimResult } from './callback-guard.repository';
import { CallbackMetrics, type ReplySource } from './callback.metrics';
import { planCallback, type CallbackPlan } from './callback-plan';
import { CallbackRejectedError, GuardStoreUnavailableError, ReplayedNonceError } from './callback.errors';
import { freshTimestampAndNonce } from './callback-freshness';
import { CALLBACK_SETTINGS, type CallbackSettings } from './callback.settings';
import { renderPassiveReply } from './passive-reply.renderer';
import { WeChatEventsPublisher } from './wechat-events.publisher';

/** The query of a GET verification. */
export interface VerifyQuery extends CallbackQuery {
  echostr?: string | null;
}

/** The answer to an accepted callback. */
export interface CallbackAnswer {
  body: string;
  /** `duplicate`: a retry of a callback already handled, answered with the stored reply. */
  outcome: 'accepted' | 'duplicate';
}

const ECHOSTR = /^[A-Za-z0-9._~-]{1,256}$/;
/** WeChat gives up on a try after 5 s; a claim still "in flight" after that is from a stuck or dead try. */
const WECHAT_TRY_MS = 5000;
/** Answer (or give up publishing) by then, measured from the request's arrival. */
const PUBLISH_DEADLINE_MS = 4500;
/** How often a retry that found its first delivery in flight looks for that delivery's reply. */
const DUPLICATE_POLL_MS = 50;

/**
 * The rules of the callback URL: authenticate (signature, msg_signature, AES, AppID), refuse stale or
 * replayed requests, de-duplicate WeChat's retries, ask binding for a passive reply within the budget,
 * publish the durable events, and only then answer.
 */
@Injectable()
export class CallbackService implements BeforeApplicationShutdown {
  private readonly crypto: WeChatMessageCrypto | null;
  /** Replies being written to Redis after their callback was answered. */
  private readonly pendingStores = new Set<Promise<void>>();

  constructor(
    @Inject(CALLBACK_SETTINGS) private readonly settings: CallbackSettings,
    private readonly guard: CallbackGuardRepository,
    private readonly events: WeChatEventsPublisher,
    private readonly binding: BindingReplyClient,
    private readonly metrics: CallbackMetrics,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    const { token, encodingAesKey, appId } = settings;
    this.crypto = encodingAesKey ? new WeChatMessageCrypto({ token, encodingAesKey, appId }) : null;
  }

  /** Lets the replies still being stored reach Redis before its connection closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.pendingStores]);
  }

  /** GET /wechat: the echostr when the request is genuine, fresh and not a replay. */
  async verifyUrl(query: VerifyQuery): Promise<string> {
    if (!verifySignature(this.settings.token, query)) {
      throw new CallbackRejectedError('bad-signature', 'signature does not match; check WECHAT_TOKEN');
    }
    const { timestamp, nonce } = this.fresh(query);
    if (!query.echostr || !ECHOSTR.test(query.echostr)) {
      throw new CallbackRejectedError('bad-echostr', 'echostr is missing or not a token WeChat sends');
    }
    try {
      if (!(await this.guard.rememberNonce(timestamp, nonce, this.nonceTtlMs())))
        throw new ReplayedNonceError();
    } catch (e) {
      if (!(e instanceof GuardStoreUnavailableError)) throw e;
      this.degraded('nonce', e);
    }
    return query.echostr;
  }

  /** POST /wechat: verifies, de-duplicates, publishes and answers. `receivedAt` starts the reply budget. */
  async handle(query: CallbackQuery, body: Buffer, receivedAt: number): Promise<CallbackAnswer> {
    let message: CallbackMessage;
    try {
      message = openCallback(body, query, {
        token: this.settings.token,
        crypto: this.crypto,
        maxBytes: this.settings.maxBodyBytes,
      }).message;
    } catch (e) {
      if (e instanceof WeChatCallbackError) throw CallbackRejectedError.from(e);
      throw e;
    }
    const { timestamp, nonce } = this.fresh(query);
    const plan = planCallback(message);

    const claim = await this.claim(timestamp, nonce, bodyHash(body), plan.eventId);
    if (claim.kind === 'replayed-nonce') throw new ReplayedNonceError();
    if (claim.kind === 'answered') return this.duplicate(claim.body);
    if (claim.kind === 'in-flight') {
      const stored = await this.waitForReply(plan.eventId, receivedAt);
      if (stored !== null) return this.duplicate(stored);
      this.logger.warn(
        { eventId: plan.eventId },
        'first delivery of a callback is stuck; handling the retry',
      );
    }
    return this.process(message, plan, receivedAt, claim.kind !== 'degraded');
  }

  private async process(
    message: CallbackMessage,
    plan: CallbackPlan,
    receivedAt: number,
    claimed: boolean,
  ): Promise<CallbackAnswer> {
    let replyXml: string | null = null;
    let source: ReplySource = 'success';
    if (plan.replyRequest) {
      const budget = this.settings.replyBudgetMs - (this.clock.now() - receivedAt);
      const outcome = await this.binding.ask(plan.replyRequest, budget);
      if (outcome.kind === 'reply') {
        replyXml = this.render(outcome.reply, message, plan.eventId);
        source = replyXml ? 'passive' : 'none';
      } else {
        source = outcome.reason;
        if (outcome.reason === 'error' || outcome.reason === 'refused') {
          this.logger.warn({ err: outcome.error, eventId: plan.eventId }, 'binding gave no passive reply');
        }
      }
    }
    // No usable passive reply: binding pushes a customer-service message from the durable event instead.
    const needsPush = plan.replyRequest !== null && replyXml === null;
    try {
      // Leave time to answer before WeChat gives up on this try; a late ack is retried and de-duplicated.
      const publishTimeoutMs = Math.max(1000, PUBLISH_DEADLINE_MS - (this.clock.now() - receivedAt));
      await this.events.publish(plan.events, needsPush, publishTimeoutMs);
    } catch (e) {
      if (claimed) await this.guard.release(plan.eventId).catch((r: unknown) => this.degraded('release', r));
      throw e;
    }
    for (const event of plan.events) this.metrics.publishedEvent(event.contract.subject);
    const body = replyXml ? callbackReplyBody(replyXml, this.crypto) : SUCCESS_REPLY;
    // The events are stored, so the answer need not wait for Redis: WeChat retries only a try it got no
    // answer to, and a retry that overtakes this write finds the claim in flight and waits for the reply.
    // Without Redis a retry is processed again, and JetStream's msgID keeps its events from doubling.
    const stored = this.guard
      .storeReply(plan.eventId, body, this.settings.dedupTtlSeconds)
      .catch((e: unknown) => this.degraded('store-reply', e));
    this.pendingStores.add(stored);
    void stored.finally(() => this.pendingStores.delete(stored));
    this.metrics.replied(source);
    this.logger.debug(
      { eventId: plan.eventId, kind: message.kind, reply: source, needsPush },
      'wechat callback accepted',
    );
    return { body, outcome: 'accepted' };
  }

  private render(reply: Parameters<typeof renderPassiveReply>[0], message: CallbackMessage, eventId: string) {
    try {
      return renderPassiveReply(reply, message, this.clock.now());
    } catch (err) {
      this.logger.warn({ err, eventId }, 'binding reply cannot be rendered as WeChat XML; answering success');
      return null;
    }
  }

  /** The timestamp must be a number of seconds within the window of our clock. */
  private fresh(query: CallbackQuery): { timestamp: string; nonce: string } {
    return freshTimestampAndNonce(query, this.clock.now(), this.settings.timestampWindowSeconds);
  }

  private async claim(
    timestamp: string,
    nonce: string,
    hash: string,
    eventId: string,
  ): Promise<ClaimResult | { kind: 'degraded' }> {
    try {
      return await this.guard.claim(timestamp, nonce, hash, eventId, this.nonceTtlMs(), WECHAT_TRY_MS + 1000);
    } catch (e) {
      if (!(e instanceof GuardStoreUnavailableError)) throw e;
      // Without Redis, JetStream's msgID still keeps a retry from becoming a second event.
      this.degraded('claim', e);
      return { kind: 'degraded' };
    }
  }

  /**
   * A retry whose first delivery is still in flight waits for that delivery's reply for as long as it could
   * have waited for binding (the reply budget, from its own arrival), so it can still publish and answer
   * inside WeChat's 5 s if the first delivery never finishes.
   */
  private async waitForReply(eventId: string, receivedAt: number): Promise<string | null> {
    const deadline = receivedAt + this.settings.replyBudgetMs;
    while (this.clock.now() < deadline) {
      await sleep(DUPLICATE_POLL_MS);
      const stored = await this.guard.storedReply(eventId).catch(() => null);
      if (stored !== null) return stored;
    }
    return null;
  }

  private duplicate(body: string): CallbackAnswer {
    this.metrics.replied('stored');
    return { body, outcome: 'duplicate' };
  }

  /** A timestamp is accepted for `window` seconds either side, so its nonce is remembered for twice that. */
  private nonceTtlMs(): number {
    return 2 * this.settings.timestampWindowSeconds * 1000;
  }

  private degraded(operation: string, error: unknown): void {
    this.metrics.guardDegraded(operation);
    this.logger.warn(
      { operation, err: error instanceof Error ? error.message : String(error) },
      'replay/de-duplication store unavailable; continuing on JetStream de-duplication',
    );
  }
}

/** What tells WeChat repeating a request (same nonce, same bytes) from a replay that changed the body. */
function bodyHash(body: Buffer): string {
  return createHash('sha256').update(body).digest('base64url');
}
