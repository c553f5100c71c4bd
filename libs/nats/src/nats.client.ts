import { settleWithin } from '@mirror/async';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type PubAck,
  type StreamConfig,
} from '@nats-io/jetstream';
import {
  connect,
  credsAuthenticator,
  headers as natsHeaders,
  nanos,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';
import type { Logger } from 'pino';
import {
  ReplyCodes,
  STREAMS,
  decodeJson,
  encode,
  encodeJson,
  replyEnvelope,
  subjectCovers,
  validate,
  type EventContract,
  type MessageContract,
  type PayloadInput,
  type ReplyError,
  type RequestContract,
  type ResponseOf,
  type StreamName,
  type StreamSpec,
} from '@mirror/contracts';
import {
  CORRELATION_NATS_HEADER,
  currentCorrelationId,
  withCorrelation,
  tracingEnabled,
  type HealthIndicator,
} from '@mirror/platform';
import { z } from 'zod';
import { JetStreamPublishError, NoRespondersError, RequestRefusedError, RequestTimeoutError } from './errors';
import { Namespace } from './namespace';
import { refusalOf } from './refusal';
import { RequestMux } from './request-mux';
import { injectTraceContext, inNatsSpan } from './tracing';

export interface NatsClientOptions {
  /** Comma-separated server URLs. */
  servers: string;
  /** Connection name shown by the server (service name). */
  name: string;
  namespace?: string;
  logger: Logger;
  /** The contents of a NATS `.creds` file (user JWT + seed): how every client of a locked bus signs in. */
  creds?: string;
  /**
   * Where replies come back (`_INBOX` when unset). On a locked bus each user may subscribe only to its
   * own prefix (`busInboxPrefix` of @mirror/contracts), so a client cannot read another's replies.
   */
  inboxPrefix?: string;
}

/** A subject the bus refused this connection (namespace stripped). */
export interface PermissionViolation {
  operation: 'publish' | 'subscription';
  subject: string;
}

export interface ConsumerSpec {
  stream: StreamName;
  durable: string;
  /** Contract subject (without namespace); may contain wildcards. */
  subject: string;
  maxDeliver: number;
  ackWaitMs: number;
  maxAckPending?: number;
}

export type Headers = Record<string, string>;

/** An on-demand pattern: its handler (once the transport set it) and the subjects opened now. */
interface DemandEntry {
  handler?: (msg: Msg, subject: string) => void | Promise<void>;
  /** null: opened before the handler was there, subscribed when it comes. */
  open: Map<string, Subscription | null>;
}

/**
 * One NATS connection per process: namespaced subjects, idempotent JetStream declarations,
 * contract-checked publishing and request/reply with typed failures.
 */
export class NatsClient {
  readonly ns: Namespace;
  readonly js: JetStreamClient;
  private connected = true;
  private readonly inFlightReplies = new Set<Promise<void>>();
  private readonly mux: RequestMux;
  private readonly violationListeners: ((v: PermissionViolation) => void)[] = [];
  private readonly demand = new Map<string, DemandEntry>();

  private constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    private readonly logger: Logger,
    namespace: string,
    inboxPrefix?: string,
  ) {
    this.ns = new Namespace(namespace);
    this.js = jetstream(nc);
    this.mux = new RequestMux(nc, inboxPrefix);
    void this.watchStatus();
  }

  /** Connects, retrying until the server answers; reconnects forever afterwards. */
  static async connect(options: NatsClientOptions): Promise<NatsClient> {
    const servers = options.servers.split(',').map((s) => s.trim());
    options.logger.info({ servers }, 'connecting to NATS');
    const nc = await connect({
      servers,
      name: options.name,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      reconnectJitter: 200,
      pingInterval: 5000,
      maxPingOut: 2,
      // async stack traces cost ~8 % of a request's time and add nothing to our error messages
      noAsyncTraces: true,
      ...(options.creds
        ? { authenticator: credsAuthenticator(new TextEncoder().encode(options.creds)) }
        : {}),
      ...(options.inboxPrefix ? { inboxPrefix: options.inboxPrefix } : {}),
    });
    // no API probe: a mirror's user may not call the JetStream API at all, only publish to its stream
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    return new NatsClient(nc, jsm, options.logger, options.namespace ?? '', options.inboxPrefix);
  }

  private async watchStatus() {
    for await (const s of this.nc.status()) {
      if (s.type === 'disconnect') {
        this.connected = false;
        this.logger.warn({ server: s.server }, 'NATS disconnected; reconnecting');
      } else if (s.type === 'reconnect') {
        this.connected = true;
        this.logger.info({ server: s.server }, 'NATS reconnected');
      } else if (s.type === 'error') {
        const e = s.error as Partial<PermissionViolation> | undefined;
        if (e?.operation && e.subject) {
          // the bus refused this user a subject its role lacks: a wiring fault or a forged use, never silent
          const violation: PermissionViolation = {
            operation: e.operation,
            subject: this.ns.strip(e.subject),
          };
          this.logger.error(violation, 'NATS refused a subject this service has no permission for');
          for (const listener of this.violationListeners) listener(violation);
        } else {
          this.logger.warn({ err: s.error }, 'NATS reported an error');
        }
      }
    }
  }

  /** Calls `listener` for every permission violation the server reports on this connection. */
  onPermissionViolation(listener: (v: PermissionViolation) => void): void {
    this.violationListeners.push(listener);
  }

  /** Whether the connected server is at least `major.minor` (features differ across 2.9 / 2.10). */
  serverAtLeast(major: number, minor: number): boolean {
    const [ma, mi] = (this.nc.info?.version ?? '0.0.0').split('.').map(Number);
    return ma > major || (ma === major && mi >= minor);
  }

  health(): HealthIndicator {
    return {
      name: 'nats',
      check: async () => {
        if (this.nc.isClosed()) throw new Error('NATS connection closed');
        if (!this.connected) throw new Error('NATS disconnected');
        await this.nc.flush();
      },
    };
  }

  /**
   * Creates or updates the given streams (all replicas may do this at once). DLQ is declared by services
   * with durable consumers only (they are the ones that dead-letter): on a locked bus no one else may.
   */
  async ensureStreams(
    names: StreamName[],
    options: { deadLetters: boolean } = { deadLetters: true },
  ): Promise<void> {
    const all = options.deadLetters ? [...names, 'DLQ' as const] : names;
    for (const name of new Set<StreamName>(all)) {
      await this.ensureStream(STREAMS[name]);
    }
  }

  private async ensureStream(spec: StreamSpec): Promise<void> {
    const config: Partial<StreamConfig> & { name: string } = {
      name: this.ns.stream(spec.name),
      subjects: spec.subjects.map((s) => this.ns.subject(s)),
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_msg_size: spec.maxMsgSize,
      max_age: nanos(spec.maxAgeSeconds * 1000),
      duplicate_window: nanos(spec.duplicateWindowSeconds * 1000),
      num_replicas: Number(process.env.NATS_STREAM_REPLICAS ?? 1),
    };
    try {
      // reads the stream's configuration and sends it back with ours applied
      await this.jsm.streams.update(config.name, config);
    } catch (e) {
      if (!isApiError(e, JetStreamApiCodes.StreamNotFound)) throw e;
      try {
        await this.jsm.streams.add(config);
      } catch (addError) {
        // another replica created it between our update and add
        if (!isApiError(addError, STREAM_NAME_IN_USE)) throw addError;
        await this.jsm.streams.update(config.name, config);
      }
    }
  }

  /** Creates or updates a durable pull consumer with explicit ack. */
  async ensureConsumer(spec: ConsumerSpec): Promise<void> {
    const stream = this.ns.stream(spec.stream);
    const config = {
      durable_name: spec.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: this.ns.subject(spec.subject),
      max_deliver: spec.maxDeliver,
      ack_wait: nanos(spec.ackWaitMs),
      max_ack_pending: spec.maxAckPending ?? 1000,
    };
    try {
      await this.jsm.consumers.add(stream, config);
    } catch (e) {
      // a durable that exists with another configuration (2.9 says "in use", 2.10 "already exists")
      if (!/already exists|already in use/i.test(String(e))) throw e;
      await this.jsm.consumers.update(stream, spec.durable, config);
    }
  }

  /** Publishes a durable event; `msgID` makes a republish within the duplicate window a no-op. */
  async publish<C extends EventContract>(
    contract: C,
    payload: PayloadInput<C>,
    options: { msgID: string; headers?: Headers },
  ): Promise<PubAck> {
    return this.publishBytes(contract.subject, encode(contract, payload), options);
  }

  /**
   * Publishes raw bytes to JetStream, de-duplicated by `msgID`, and waits for the stream's ack. Fails with
   * JetStreamPublishError when no stream takes the subject or the stream refuses, RequestTimeoutError
   * when no ack comes in time (the message may still have been stored: republish with the same msgID).
   */
  async publishBytes(
    subject: string,
    data: Uint8Array,
    options: { msgID: string; headers?: Headers; timeoutMs?: number },
  ): Promise<PubAck> {
    return inNatsSpan('publish', subject, () => this.publishToStream(subject, data, options), {
      attributes: { 'messaging.message.id': options.msgID },
    });
  }

  private async publishToStream(
    subject: string,
    data: Uint8Array,
    options: { msgID: string; headers?: Headers; timeoutMs?: number },
  ): Promise<PubAck> {
    const headers = this.headers(options.headers);
    headers.set(MSG_ID_HEADER, options.msgID);
    const timeout = options.timeoutMs ?? 5000;
    const outcome = await this.mux.request(this.ns.subject(subject), data, timeout, headers);
    if (outcome.kind === 'timeout') throw new RequestTimeoutError(`JetStream ack for ${subject}`, timeout);
    if (outcome.kind === 'no-responders') {
      throw new JetStreamPublishError(subject, 'no stream takes this subject (or JetStream is not enabled)');
    }
    let ack: { stream?: string; seq?: number; duplicate?: boolean; domain?: string; error?: JsApiError };
    try {
      ack = JSON.parse(textDecoder.decode(outcome.msg.data)) as typeof ack;
    } catch {
      throw new JetStreamPublishError(subject, 'the ack is not JSON');
    }
    if (ack.error) {
      throw new JetStreamPublishError(subject, ack.error.description ?? 'refused', ack.error.err_code);
    }
    if (typeof ack.stream !== 'string' || typeof ack.seq !== 'number') {
      throw new JetStreamPublishError(subject, 'the ack names no stream and sequence');
    }
    return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate === true, domain: ack.domain ?? '' };
  }

  /** Fire-and-forget core message (display, gesture, frames): validated against its contract. */
  emit<C extends MessageContract>(contract: C, subject: string, payload: PayloadInput<C>): void {
    inNatsSpan(
      'publish',
      subject,
      () => this.nc.publish(this.ns.subject(subject), encode(contract, payload), { headers: this.headers() }),
      { onlyInTrace: true },
    );
  }

  /** Core publish of raw bytes. */
  publishRaw(subject: string, data: Uint8Array, headers?: Headers): void {
    inNatsSpan(
      'publish',
      subject,
      () => this.nc.publish(this.ns.subject(subject), data, { headers: this.headers(headers) }),
      { onlyInTrace: true },
    );
  }

  /**
   * The handler of an on-demand pattern (`@EventPattern(p, {core: true, onDemand: true})`, set by the
   * transport); subjects opened before it is set are subscribed once it is.
   */
  handleOnDemand(pattern: string, handler: (msg: Msg, subject: string) => void | Promise<void>): void {
    const entry = this.demandEntry(pattern);
    entry.handler = handler;
    for (const [subject, sub] of entry.open)
      if (!sub) entry.open.set(subject, this.subscribe(subject, handler));
  }

  /**
   * Starts delivering `subject` (covered by the on-demand `pattern`) to the pattern's handler; opening an
   * open subject changes nothing.
   */
  openOnDemand(pattern: string, subject: string): void {
    if (!subjectCovers(pattern, subject)) {
      throw new Error(`${subject} is not covered by the on-demand pattern ${pattern}`);
    }
    const entry = this.demandEntry(pattern);
    if (entry.open.has(subject)) return;
    entry.open.set(subject, entry.handler ? this.subscribe(subject, entry.handler) : null);
  }

  /** Stops delivering `subject`: nothing more reaches the handler once this returns. */
  closeOnDemand(pattern: string, subject: string): void {
    const entry = this.demand.get(pattern);
    entry?.open.get(subject)?.unsubscribe();
    entry?.open.delete(subject);
  }

  /** Drains every subscription of an on-demand pattern (the transport closing); later opens wait again. */
  async drainOnDemand(pattern: string): Promise<void> {
    const entry = this.demand.get(pattern);
    if (!entry) return;
    const subs = [...entry.open.values()].filter((s): s is Subscription => s !== null && !s.isClosed());
    entry.handler = undefined;
    entry.open.clear();
    await Promise.allSettled(subs.map((s) => s.drain()));
  }

  private demandEntry(pattern: string): DemandEntry {
    let entry = this.demand.get(pattern);
    if (!entry) {
      entry = { open: new Map() };
      this.demand.set(pattern, entry);
    }
    return entry;
  }

  /** Core subscription; the handler sees the subject without the namespace. */
  subscribe(
    subject: string,
    handler: (msg: Msg, subject: string) => void | Promise<void>,
    options: { queue?: string } = {},
  ): Subscription {
    return this.nc.subscribe(this.ns.subject(subject), {
      queue: options.queue,
      callback: (err, msg) => {
        if (err) {
          this.logger.error({ err, subject }, 'subscription error');
          return;
        }
        withCorrelation(msg.headers?.get(CORRELATION_NATS_HEADER), () => {
          const stripped = this.ns.strip(msg.subject);
          Promise.resolve(
            inNatsSpan('process', stripped, () => handler(msg, stripped), {
              received: msg,
              onlyInTrace: true,
            }),
          ).catch((e: unknown) =>
            this.logger.error({ err: e, subject: msg.subject }, 'message handler failed'),
          );
        });
      },
    });
  }

  /**
   * Asks and waits for an answer. Throws NoRespondersError when nobody serves the subject,
   * RequestTimeoutError when the answer is late, RequestRefusedError when the responder says no.
   */
  async request<C extends RequestContract>(
    contract: C,
    payload: z.input<C['request']>,
    options: { timeoutMs?: number; headers?: Headers } = {},
  ): Promise<ResponseOf<C>> {
    return inNatsSpan('request', contract.subject, () => this.ask(contract, payload, options));
  }

  private async ask<C extends RequestContract>(
    contract: C,
    payload: z.input<C['request']>,
    options: { timeoutMs?: number; headers?: Headers },
  ): Promise<ResponseOf<C>> {
    const timeout = options.timeoutMs ?? 2000;
    const data = encodeJson(contract.subject, contract.request, payload);
    const outcome = await this.mux.request(
      this.ns.subject(contract.subject),
      data,
      timeout,
      this.headers(options.headers),
    );
    if (outcome.kind === 'no-responders') throw new NoRespondersError(contract.subject);
    if (outcome.kind === 'timeout') throw new RequestTimeoutError(contract.subject, timeout);
    const reply = outcome.msg;
    const envelope = decodeJson(contract.subject, replyEnvelope(contract.response), reply.data);
    if (!envelope.ok) {
      throw new RequestRefusedError(
        contract.subject,
        envelope.error.code,
        envelope.error.message,
        envelope.error.field,
      );
    }
    return envelope.data as ResponseOf<C>;
  }

  /**
   * Serves a request subject in a queue group (one replica answers each request). Invalid requests get
   * `INVALID_REQUEST` naming the field; a refusal (RefusalError, RpcException with a code) its code;
   * anything else, an answer that breaks the response schema included, `INTERNAL`.
   */
  serve<C extends RequestContract>(
    contract: C,
    handler: (request: z.infer<C['request']>, msg: Msg) => Promise<z.input<C['response']>>,
    options: { queue?: string } = {},
  ): Subscription {
    // Every request is answered: a refusal is data, and a fault is INTERNAL without its message.
    return this.nc.subscribe(this.ns.subject(contract.subject), {
      queue: options.queue ?? contract.subject,
      callback: (err, msg) => {
        if (err) return;
        const work = withCorrelation(msg.headers?.get(CORRELATION_NATS_HEADER), async () => {
          let answer: { ok: true; data: unknown } | { ok: false; error: ReplyError };
          let response: unknown;
          try {
            const request = decodeJson(contract.subject, contract.request, msg.data);
            response = await inNatsSpan('serve', contract.subject, () => handler(request, msg), {
              received: msg,
            });
          } catch (e) {
            answer = { ok: false, error: this.refusal(contract.subject, e) };
          }
          try {
            answer ??= { ok: true, data: validate(contract.subject, contract.response, response) };
          } catch (e) {
            // the responder's bug, not the caller's: never INVALID_REQUEST
            this.logger.error({ err: e, subject: contract.subject }, 'response violates its contract');
            answer = { ok: false, error: internalError(contract.subject) };
          }
          if (msg.reply) msg.respond(new TextEncoder().encode(JSON.stringify(answer)));
        });
        this.inFlightReplies.add(work);
        void work.finally(() => this.inFlightReplies.delete(work));
      },
    });
  }

  private refusal(subject: string, e: unknown): ReplyError {
    const refusal = refusalOf(e);
    if (refusal) return refusal;
    this.logger.error({ err: e, subject }, 'request handler failed');
    return internalError(subject);
  }

  /** Waits (bounded) for request handlers that are still answering. */
  async settleReplies(timeoutMs = 5000): Promise<void> {
    await settleWithin(Promise.allSettled([...this.inFlightReplies]), timeoutMs);
  }

  /** Headers for an outgoing message, carrying the current correlation id and trace context. */
  headers(extra: Headers = {}): MsgHdrs {
    const h = natsHeaders();
    const correlationId = currentCorrelationId();
    if (correlationId) h.set(CORRELATION_NATS_HEADER, correlationId);
    for (const [k, v] of Object.entries(extra)) h.set(k, v);
    // after the extras: a message's own span is its parent, never a trace context copied from another message
    if (tracingEnabled()) injectTraceContext(h);
    return h;
  }

  /** Flushes what is buffered, lets subscriptions finish, and closes. */
  async drain(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.settleReplies();
    this.mux.close();
    await this.nc.drain().catch(() => this.nc.close());
  }
}

const MSG_ID_HEADER = 'Nats-Msg-Id';

function internalError(subject: string): ReplyError {
  return { code: ReplyCodes.internal, message: `${subject} failed; try again later` };
}
const textDecoder = new TextDecoder();

interface JsApiError {
  code?: number;
  err_code?: number;
  description?: string;
}

/** JetStream's err_code for a stream created at the same time with another configuration. */
const STREAM_NAME_IN_USE = 10058;

function isApiError(e: unknown, errCode: number): boolean {
  return e instanceof JetStreamApiError && e.code === errCode;
}
