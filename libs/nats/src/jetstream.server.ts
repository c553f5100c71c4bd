import { settleWithin } from '@mirror/async';
import {
  NatsContext,
  Server,
  type BaseRpcContext,
  type CustomTransportStrategy,
  type MessageHandler,
} from '@nestjs/microservices';
import type { Subscription } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { lastValueFrom } from 'rxjs';
import type { StreamName } from '@mirror/contracts';
import type { MetricsService } from '@mirror/platform';
import { ConsumerRunner } from './consumer.runner';
import type { NatsClient } from './nats.client';
import { planBindings, type Binding, type DeclaredHandler, type ProviderResolver } from './nats-patterns';

/** Transport id of JetStreamServer, to bind a pattern to it alone: `@EventPattern(subject, JETSTREAM, {…})`. */
export const JETSTREAM_TRANSPORT = Symbol('NATS_JETSTREAM');

export interface JetStreamServerOptions {
  /** Streams the service publishes to or consumes from (NatsModule.forRoot's `streams`); DLQ is added. */
  streams: StreamName[];
  logger: Logger;
  metrics: MetricsService;
  /** Reads the `settings` providers that consumers name (the application's `get`); without it they are refused. */
  resolve?: ProviderResolver;
  /** How often each durable consumer's backlog is read from the server for the lag gauges, ms. Default 15000. */
  consumerInfoIntervalMs?: number;
}

/** Every replica reads the same shared consumer; a few reads a minute per consumer cost the server nothing. */
const DEFAULT_CONSUMER_INFO_INTERVAL_MS = 15_000;

interface TransportMetrics {
  handled: Counter;
  seconds: Histogram;
  deadLetters: Counter;
}

/**
 * Nest's custom transport over the service's one NatsClient connection: `@EventPattern` handlers become
 * durable JetStream consumers (or core subscriptions), `@MessagePattern` handlers answer requests in a
 * queue group. Handlers are Nest controller methods, so guards, interceptors and pipes apply; errors
 * reach the transport unchanged through RpcErrorPassThrough (see connectNatsTransport).
 */
export class JetStreamServer extends Server implements CustomTransportStrategy {
  override transportId = JETSTREAM_TRANSPORT;
  private readonly declared: DeclaredHandler[] = [];
  private readonly runners: ConsumerRunner<unknown>[] = [];
  private readonly subscriptions: Subscription[] = [];
  /** On-demand patterns: the service opens their subjects (NatsClient.openOnDemand). */
  private readonly onDemand: string[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly log: Logger;
  private backlogTimer?: NodeJS.Timeout;

  constructor(
    private readonly client: NatsClient,
    private readonly options: JetStreamServerOptions,
  ) {
    super();
    this.log = options.logger.child({ component: 'nats-transport' });
  }

  /**
   * Nest calls this once per decorated method before `listen`. Nest itself would chain two event
   * handlers of one pattern and silently replace a second message handler; the transport keeps every
   * one so that `listen` can give each its own consumer, or refuse the clash by name.
   */
  override addHandler(
    pattern: unknown,
    callback: MessageHandler,
    isEventHandler = false,
    extras: Record<string, unknown> = {},
  ): void {
    this.declared.push({ pattern, handler: callback, isEventHandler, extras });
    if (!this.messageHandlers.has(this.normalizePattern(pattern as string))) {
      super.addHandler(pattern, callback, isEventHandler, extras);
    }
  }

  /** Declares streams and consumers (idempotently: every replica does it), then starts consuming and serving. */
  listen(callback: (error?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (e: unknown) => callback(e),
    );
  }

  private async start(): Promise<void> {
    const bindings = planBindings(this.declared, this.options.resolve);
    const consumed = bindings.flatMap((b) => (b.kind === 'jetstream' ? [b.stream] : []));
    await this.client.ensureStreams([...this.options.streams, ...consumed], {
      deadLetters: consumed.length > 0,
    });
    for (const b of bindings) {
      if (b.kind !== 'jetstream') continue;
      await this.client.ensureConsumer({
        stream: b.stream,
        durable: b.durable,
        subject: b.subject,
        maxDeliver: b.maxDeliver,
        ackWaitMs: b.ackWaitMs,
      });
    }
    const metrics: TransportMetrics = {
      handled: this.options.metrics.counter('nats_messages_total', 'JetStream messages handled, by outcome', [
        'subject',
        'outcome',
      ]),
      seconds: this.options.metrics.histogram('nats_handler_seconds', 'Time to handle a JetStream message', [
        'subject',
      ]),
      deadLetters: this.options.metrics.counter(
        'nats_dead_letters_total',
        'Messages this replica copied to dlq.<stream>.<durable> and terminated (invalid, poison, or out of deliveries)',
        ['stream', 'durable'],
      ),
    };
    for (const b of bindings) this.bind(b, metrics);
    this.watchBacklog();
    // the server knows every subscription before the service calls itself started
    await this.client.nc.flush();
    this.log.info(
      {
        consumers: bindings.filter((b) => b.kind === 'jetstream').map((b) => b.durable),
        subscriptions: bindings.flatMap((b) => (b.kind === 'core' && !b.onDemand ? [b.subject] : [])),
        onDemand: [...this.onDemand],
        requests: bindings.flatMap((b) => (b.kind === 'request' ? [b.contract.subject] : [])),
      },
      'NATS transport listening',
    );
  }

  private bind(b: Binding, { handled, seconds, deadLetters }: TransportMetrics): void {
    if (b.kind === 'jetstream') {
      // exported at 0 from the start: a rule's increase() sees even the first dead letter of a process
      deadLetters.inc({ stream: b.stream, durable: b.durable }, 0);
      const runner = new ConsumerRunner<unknown>(
        this.client,
        {
          stream: b.stream,
          durable: b.durable,
          subject: b.subject,
          decode: (msg) => b.decode(msg.data),
          handle: async (payload, ctx) => void (await this.invoke(b.handler, payload, ctx)),
          concurrency: b.concurrency,
          maxDeliver: b.maxDeliver,
          backoffMs: b.backoffMs,
          onOutcome: (outcome, subject, s) => {
            handled.inc({ subject, outcome });
            seconds.observe({ subject }, s);
          },
          onDeadLetter: () => deadLetters.inc({ stream: b.stream, durable: b.durable }),
        },
        this.log.child({ consumer: b.durable }),
      );
      runner.start();
      this.runners.push(runner);
    } else if (b.kind === 'core' && b.onDemand) {
      this.onDemand.push(b.subject);
      this.client.handleOnDemand(
        b.subject,
        async (msg, subject) =>
          void (await this.track(this.invoke(b.handler, msg.data, new NatsContext([subject, msg.headers])))),
      );
    } else if (b.kind === 'core') {
      this.subscriptions.push(
        this.client.subscribe(
          b.subject,
          async (msg, subject) =>
            void (await this.track(
              this.invoke(b.handler, msg.data, new NatsContext([subject, msg.headers])),
            )),
          { queue: b.queue },
        ),
      );
    } else {
      this.subscriptions.push(
        this.client.serve(
          b.contract,
          (request, msg) =>
            this.invoke(
              b.handler,
              request,
              new NatsContext([this.client.ns.strip(msg.subject), msg.headers]),
            ) as Promise<never>,
          { queue: b.queue },
        ),
      );
    }
  }

  /**
   * Reads every durable consumer's backlog now and then every interval into two gauges. The consumer is
   * shared by all replicas, so each reports the same figure: aggregate with `max by (stream, durable)`.
   * A read that fails (server away) leaves the last figure and is logged at debug: readiness reports NATS.
   */
  private watchBacklog(): void {
    const runners = [...this.runners];
    if (runners.length === 0) return;
    const pending: Gauge = this.options.metrics.gauge(
      'nats_consumer_pending_messages',
      "Messages waiting in the stream for a durable consumer, not yet delivered (the server's num_pending)",
      ['stream', 'durable'],
    );
    const ackPending: Gauge = this.options.metrics.gauge(
      'nats_consumer_ack_pending_messages',
      "Messages delivered to a durable consumer and not yet acknowledged (the server's num_ack_pending)",
      ['stream', 'durable'],
    );
    const read = async () => {
      for (const runner of runners) {
        const labels = { stream: runner.stream, durable: runner.durable };
        try {
          const backlog = await runner.backlog();
          pending.set(labels, backlog.pending);
          ackPending.set(labels, backlog.ackPending);
        } catch (e) {
          this.log.debug({ err: e, ...labels }, 'consumer backlog not read');
        }
      }
    };
    void read();
    const every = this.options.consumerInfoIntervalMs ?? DEFAULT_CONSUMER_INFO_INTERVAL_MS;
    this.backlogTimer = setInterval(() => void read(), every);
    this.backlogTimer.unref();
  }

  /** Runs a Nest handler to completion: it may return a value, a Promise or an Observable. */
  private async invoke(handler: MessageHandler, payload: unknown, ctx: BaseRpcContext): Promise<unknown> {
    const result = await handler(payload, ctx);
    return lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  /**
   * Stops taking work and finishes what is in hand: subscriptions drain (no new requests or frames),
   * consumers stop pulling and finish their messages (acked), request handlers answer. The connection
   * itself stays open for the rest of the shutdown; NatsModule drains it.
   */
  async close(): Promise<void> {
    clearInterval(this.backlogTimer);
    const subscriptions = this.subscriptions.splice(0);
    await Promise.allSettled([
      ...subscriptions.map((s) => (s.isClosed() ? undefined : s.drain())),
      ...this.onDemand.splice(0).map((pattern) => this.client.drainOnDemand(pattern)),
    ]);
    await Promise.allSettled(this.runners.splice(0).map((r) => r.stop()));
    await settleWithin(Promise.allSettled([...this.inFlight]), 5000);
    await this.client.settleReplies();
  }

  /** The transport has no events of its own: NatsClient.health() reports the connection. */
  on(): never {
    throw new Error('JetStreamServer emits no events; readiness comes from NatsClient.health()');
  }

  unwrap<T>(): T {
    return this.client.nc as T;
  }
}
