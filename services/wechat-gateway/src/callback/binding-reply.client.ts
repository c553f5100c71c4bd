import { Injectable } from '@nestjs/common';
import { Requests, type PassiveReply, type ReplyScanRequest } from '@mirror/contracts';
import { NatsClient, NoRespondersError, RequestRefusedError, RequestTimeoutError } from '@mirror/nats';

/** Why no passive reply is given: these make binding push a customer-service message instead. */
export type NoReplyReason = 'timeout' | 'no-responders' | 'refused' | 'error' | 'no-time';

export type ReplyOutcome =
  { kind: 'reply'; reply: PassiveReply } | { kind: 'none'; reason: NoReplyReason; error?: unknown };

/** Asks binding (`binding.reply.scan`) for the passive reply to a scan or text message, within a deadline. */
@Injectable()
export class BindingReplyClient {
  constructor(private readonly nats: NatsClient) {}

  /** Never throws: every failure is an outcome, answered with `success`. */
  async ask(request: ReplyScanRequest, timeoutMs: number): Promise<ReplyOutcome> {
    if (timeoutMs < 20) return { kind: 'none', reason: 'no-time' };
    try {
      const { reply } = await this.nats.request(Requests.replyScan, request, { timeoutMs });
      return { kind: 'reply', reply };
    } catch (error) {
      if (error instanceof RequestTimeoutError) return { kind: 'none', reason: 'timeout' };
      if (error instanceof NoRespondersError) return { kind: 'none', reason: 'no-responders' };
      if (error instanceof RequestRefusedError) return { kind: 'none', reason: 'refused', error };
      return { kind: 'none', reason: 'error', error };
    }
  }
}
