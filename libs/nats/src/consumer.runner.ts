import { settleWithin, sleep } from '@mirror/async';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { ContractViolationError, deadLetterSubject, type StreamName } from '@mirror/contracts';
import { CORRELATION_NATS_HEADER, withCorrelation } from '@mirror/platform';
import { PoisonMessageError } from './errors';
import { JetStreamContext } from './jetstream.context';
import type { NatsClient } from './nats.client';
import { inNatsSpan, markSpanFailed } from './tracing';

export interface ConsumerRunnerOptions<T> {
  stream: StreamName;
  durable: string;
  subject: string;
  decode: (msg: JsMsg) => T;
  handle: (payload: T, ctx: JetStreamContext) => Promise<void>;
  /** Messages handled at once. */
  concurrency: number;
  maxDeliver: number;
  /** Delay before the n-th redelivery after a transient failure, ms (the last value repeats). */
  backoffMs: number[];
  onOutcome?: (outcome: 'ack' | 'nak' | 'term', subject: string, seconds: number) => void;
  /** Called once a message is safely in `dlq.<stream>.<durable>` (not when that copy failed and it was redelivered). */
  onDeadLetter?: () => void;
}

/** A durable consumer's backlog as the server counts it. */
export interface ConsumerBacklog {
  /** Messages in the stream that match the consumer and were not delivered yet. */
  pending: number;
  /** Messages delivered and not acknowledged yet (in a handler, or waiting for redelivery). */
  ackPending: number;
}

/**
 * A durable pull consumer: `ack` after the handler's effect is committed, `nak` with backoff on
 * transient errors, `term` plus a dead letter for invalid or poison messages and after `maxDeliver`.
 */
export class ConsumerRunner<T> {
  private stopped = false;
  private messages?: ConsumerMessages;
  private readonly inFlight = new Set<Promise<void>>();
  private loop?: Promise<void>;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly client: NatsClient,
    private readonly options: ConsumerRunnerOptions<T>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const { stream, durable, concurrency } = this.options;
    while (!this.stopped) {
      try {
        const consumer = await this.client.js.consumers.get(this.client.ns.stream(stream), durable);
        this.messages = await consumer.consume({ max_messages: Math.max(concurrency, 1) });
        for await (const msg of this.messages) {
          await this.slot();
          if (this.stopped) {
            msg.nak();
            break;
          }
          const work = this.process(msg).finally(() => {
            this.inFlight.delete(work);
            this.waiters.shift()?.();
          });
          this.inFlight.add(work);
        }
      } catch (e) {
        if (this.stopped) break;
        this.logger.warn({ err: e, stream, durable }, 'consumer interrupted; resuming in 1 s');
      }
      if (!this.stopped) await sleep(1000);
    }
  }

  private slot(): Promise<void> {
    if (this.inFlight.size < this.options.concurrency) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private process(msg: JsMsg): Promise<void> {
    const started = process.hrtime.bigint();
    const subject = this.client.ns.strip(msg.subject);
    const deliveries = msg.info.deliveryCount;
    const done = (outcome: 'ack' | 'nak' | 'term') => {
      if (outcome !== 'ack') markSpanFailed(outcome);
      this.options.onOutcome?.(outcome, subject, Number(process.hrtime.bigint() - started) / 1e9);
    };
    const traced = {
      received: msg,
      attributes: {
        'messaging.consumer.group.name': this.options.durable,
        'messaging.nats.delivery_count': deliveries,
      },
    };
    return withCorrelation(msg.headers?.get(CORRELATION_NATS_HEADER), () =>
      inNatsSpan(
        'process',
        subject,
        async () => {
          let payload: T;
          try {
            payload = this.options.decode(msg);
          } catch (e) {
            const reason = e instanceof ContractViolationError ? e.message : `undecodable: ${String(e)}`;
            await this.deadLetter(msg, reason);
            return done('term');
          }
          try {
            await this.options.handle(payload, new JetStreamContext([subject, msg]));
            await msg.ackAck().catch((e: unknown) => {
              // the effect is committed and idempotent: a redelivery will be acked next time
              this.logger.warn({ err: e, subject }, 'ack not confirmed');
            });
            done('ack');
          } catch (e) {
            if (e instanceof PoisonMessageError || e instanceof ContractViolationError) {
              await this.deadLetter(msg, e.message);
              return done('term');
            }
            if (deliveries >= this.options.maxDeliver) {
              await this.deadLetter(msg, `gave up after ${deliveries} deliveries: ${errorText(e)}`);
              return done('term');
            }
            const backoff = this.options.backoffMs;
            const delay = backoff[Math.min(deliveries - 1, backoff.length - 1)] ?? 1000;
            this.logger.warn({ err: e, subject, deliveries, retryInMs: delay }, 'handler failed; will retry');
            msg.nak(delay);
            done('nak');
          }
        },
        traced,
      ),
    );
  }

  /** Copies the message to `dlq.<stream>.<durable>` with the reason, then terms it. Never loses it. */
  private async deadLetter(msg: JsMsg, reason: string): Promise<void> {
    const { stream, durable } = this.options;
    const headers: Record<string, string> = {};
    for (const [k, v] of msg.headers ?? []) {
      if (k !== 'Nats-Msg-Id') headers[k] = v.join(',');
    }
    // header values must be one line
    const oneLine = reason.replace(/[\r\n]+/g, ' ').slice(0, 1000);
    Object.assign(headers, {
      'dlq-reason': oneLine,
      'dlq-subject': this.client.ns.strip(msg.subject),
      'dlq-stream-seq': String(msg.info.streamSequence),
      'dlq-deliveries': String(msg.info.deliveryCount),
    });
    try {
      await this.client.publishBytes(deadLetterSubject(stream, durable), msg.data, {
        msgID: `${stream}:${durable}:${msg.info.streamSequence}`,
        headers,
      });
      this.logger.error({ subject: msg.subject, reason, durable }, 'message dead-lettered');
      this.options.onDeadLetter?.();
      // servers before 2.10 ignore a TERM that carries a reason, and would redeliver the message
      if (this.client.serverAtLeast(2, 10)) msg.term(oneLine.slice(0, 200));
      else msg.term();
    } catch (e) {
      this.logger.error({ err: e, subject: msg.subject }, 'dead-letter publish failed; redelivering');
      msg.nak(5000);
    }
  }

  get stream(): StreamName {
    return this.options.stream;
  }

  get durable(): string {
    return this.options.durable;
  }

  /** The consumer's backlog from the server (`$JS.API.CONSUMER.INFO`, which its role already allows). */
  async backlog(): Promise<ConsumerBacklog> {
    const { stream, durable } = this.options;
    const info = await this.client.jsm.consumers.info(this.client.ns.stream(stream), durable);
    return { pending: info.num_pending, ackPending: info.num_ack_pending };
  }

  /** Stops pulling and waits for the messages in hand to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.waiters.splice(0).forEach((w) => w());
    await this.messages?.close().catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    if (this.loop) await settleWithin(this.loop, 2000);
  }
}

function errorText(e: unknown) {
  return e instanceof Error ? e.message : String(e);
}
