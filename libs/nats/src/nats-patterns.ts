import type { InjectionToken } from '@nestjs/common';
import type { MessageHandler } from '@nestjs/microservices';
import {
  STREAMS,
  decode,
  eventContractFor,
  requestContractFor,
  type RequestContract,
  type StreamName,
} from '@mirror/contracts';

/**
 * `@EventPattern(Events.x.subject, {durable, …})`: a durable JetStream pull consumer with explicit ack of
 * the event contract found by subject in @mirror/contracts; the handler gets the validated payload.
 */
export interface JetStreamEventOptions {
  /** Durable consumer name, unique per service and purpose, e.g. `binding-photo-stored`. */
  durable: string;
  /** Messages handled at once (default 4). */
  concurrency?: number;
  /** Deliveries before the message is dead-lettered (default 10). */
  maxDeliver?: number;
  /** How long JetStream waits for the ack before redelivering (default 30 s). */
  ackWaitMs?: number;
  /** Delay before the n-th redelivery after a transient failure, ms (the last value repeats). */
  backoffMs?: number[];
  /**
   * A provider (the feature's settings token, e.g. PHOTO_SETTINGS) read when the transport starts: those of
   * its `concurrency`, `maxDeliver`, `ackWaitMs` and `backoffMs` that are set replace the values above; its
   * other fields are ignored. Decorator options are fixed when the class is declared; this lets a consumer
   * follow the environment without the handler reading it.
   */
  settings?: InjectionToken;
}

/** The consumer options a `settings` provider may set. */
export const TUNABLE_CONSUMER_OPTIONS = ['concurrency', 'maxDeliver', 'ackWaitMs', 'backoffMs'] as const;

/** Looks a provider up by its token (the application's `get`); throws when nothing provides it. */
export type ProviderResolver = (token: InjectionToken) => unknown;

/** `@EventPattern(subject, {stream, durable, raw: true, …})`: the handler gets the message bytes (photos). */
export interface RawJetStreamOptions extends JetStreamEventOptions {
  raw: true;
  stream: StreamName;
}

/** `@EventPattern(subject, {core: true, queue?})`: a core NATS subscription (frames); the payload is the bytes. */
export interface CoreSubscriptionOptions {
  core: true;
  /** Queue group: one member of the group gets each message. */
  queue?: string;
  /**
   * Subscribed on demand: the transport subscribes to nothing at start; the service opens and closes
   * subscriptions to subjects the pattern covers at run time (NatsClient.openOnDemand), each delivered to
   * this handler — e.g. the frame partitions a session-vision replica holds now.
   */
  onDemand?: true;
}

/** `@MessagePattern(Requests.x.subject, {queue?})`: served in a queue group (the subject by default). */
export interface RequestPatternOptions {
  queue?: string;
}

export type NatsEventOptions = JetStreamEventOptions | RawJetStreamOptions | CoreSubscriptionOptions;

/** A handler as Nest registered it with the transport. */
export interface DeclaredHandler {
  pattern: unknown;
  handler: MessageHandler;
  isEventHandler: boolean;
  extras: Record<string, unknown>;
}

export type Binding =
  | {
      kind: 'jetstream';
      subject: string;
      stream: StreamName;
      durable: string;
      decode: (data: Uint8Array) => unknown;
      concurrency: number;
      maxDeliver: number;
      ackWaitMs: number;
      backoffMs: number[];
      handler: MessageHandler;
    }
  | { kind: 'core'; subject: string; queue?: string; onDemand: boolean; handler: MessageHandler }
  | { kind: 'request'; contract: RequestContract; queue?: string; handler: MessageHandler };

/** Handlers the transport cannot serve as declared; the message names every offending pattern. */
export class NatsPatternError extends Error {
  constructor(readonly problems: string[]) {
    super(`the NATS transport cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'NatsPatternError';
  }
}

export const CONSUMER_DEFAULTS = {
  concurrency: 4,
  maxDeliver: 10,
  ackWaitMs: 30000,
  backoffMs: [1000, 5000, 15000, 30000, 60000],
};

const JETSTREAM_KEYS = [
  'durable',
  'concurrency',
  'maxDeliver',
  'ackWaitMs',
  'backoffMs',
  'raw',
  'stream',
  'settings',
];
const CORE_KEYS = ['core', 'queue', 'onDemand'];
const REQUEST_KEYS = ['queue'];

/**
 * Turns the handlers Nest found into what the transport starts: a consumer, subscription or responder
 * each. Refuses, naming the pattern, what would silently misbehave: an unknown subject, an unknown or
 * invalid option, a durable used twice, two responders (or a responder and a listener) on one subject.
 * Two event handlers of one subject are two independent consumers (each with its own durable).
 * `resolve` reads the `settings` providers of consumers that name one (connectNatsTransport passes the app's).
 */
export function planBindings(declared: DeclaredHandler[], resolve?: ProviderResolver): Binding[] {
  const problems: string[] = [];
  const bindings: Binding[] = [];
  for (const d of declared) {
    const name = describe(d);
    if (typeof d.pattern !== 'string' || d.pattern.length === 0) {
      problems.push(`${name}: the pattern must be a subject string`);
      continue;
    }
    const subject = d.pattern;
    const fail = (reason: string) => problems.push(`${name}: ${reason}`);
    if (!d.isEventHandler) {
      if (!checkKeys(d.extras, REQUEST_KEYS, fail)) continue;
      const contract = requestContractFor(subject);
      if (!contract) {
        fail('no request contract in @mirror/contracts has this subject');
        continue;
      }
      bindings.push({
        kind: 'request',
        contract,
        queue: optionalString(d.extras.queue, 'queue', fail),
        handler: d.handler,
      });
    } else if (d.extras.core === true) {
      if (!checkKeys(d.extras, CORE_KEYS, fail)) continue;
      bindings.push({
        kind: 'core',
        subject,
        queue: optionalString(d.extras.queue, 'queue', fail),
        onDemand: onDemandFlag(d.extras.onDemand, fail),
        handler: d.handler,
      });
    } else {
      const binding = planConsumer(subject, d, resolve, fail);
      if (binding) bindings.push(binding);
    }
  }
  problems.push(...conflicts(bindings));
  if (problems.length) throw new NatsPatternError(problems);
  return bindings;
}

function planConsumer(
  subject: string,
  d: DeclaredHandler,
  resolve: ProviderResolver | undefined,
  fail: (reason: string) => void,
): Binding | undefined {
  if (!checkKeys(d.extras, JETSTREAM_KEYS, fail)) return undefined;
  const o = withSettings(d.extras, resolve, fail);
  if (!o) return undefined;
  if (typeof o.durable !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(o.durable)) {
    fail('needs `durable`, a consumer name of letters, digits, - and _ (or `core: true` for core NATS)');
    return undefined;
  }
  let stream: StreamName;
  let decodePayload: (data: Uint8Array) => unknown;
  if (o.raw === true) {
    if (typeof o.stream !== 'string' || !(o.stream in STREAMS)) {
      fail(`raw consumers name their stream, one of ${Object.keys(STREAMS).join(', ')}`);
      return undefined;
    }
    stream = o.stream as StreamName;
    decodePayload = (data) => data;
  } else {
    if (o.raw !== undefined) fail('`raw` is either true or absent');
    const contract = eventContractFor(subject);
    if (!contract) {
      fail(
        'no event contract in @mirror/contracts has this subject (for bytes, use `raw: true` and `stream`)',
      );
      return undefined;
    }
    if (o.stream !== undefined && o.stream !== contract.stream) {
      fail(`the event travels on stream ${contract.stream}, not ${String(o.stream)}`);
    }
    stream = contract.stream;
    decodePayload = (data) => decode(contract, data);
  }
  const concurrency = positiveInteger(o.concurrency, 'concurrency', CONSUMER_DEFAULTS.concurrency, fail);
  const maxDeliver = positiveInteger(o.maxDeliver, 'maxDeliver', CONSUMER_DEFAULTS.maxDeliver, fail);
  const ackWaitMs = positiveInteger(o.ackWaitMs, 'ackWaitMs', CONSUMER_DEFAULTS.ackWaitMs, fail);
  let backoffMs = CONSUMER_DEFAULTS.backoffMs;
  if (o.backoffMs !== undefined) {
    const valid =
      Array.isArray(o.backoffMs) &&
      o.backoffMs.length > 0 &&
      o.backoffMs.every((n) => Number.isInteger(n) && (n as number) >= 0);
    if (valid) backoffMs = o.backoffMs as number[];
    else fail('`backoffMs` must be a non-empty list of whole milliseconds');
  }
  return {
    kind: 'jetstream',
    subject,
    stream,
    durable: o.durable,
    decode: decodePayload,
    concurrency,
    maxDeliver,
    ackWaitMs,
    backoffMs,
    handler: d.handler,
  };
}

/** The pattern's options with the tunable ones its `settings` provider sets (read now, at start-up). */
function withSettings(
  extras: Record<string, unknown>,
  resolve: ProviderResolver | undefined,
  fail: (reason: string) => void,
): Record<string, unknown> | undefined {
  const { settings: token, ...options } = extras;
  if (token === undefined) return options;
  const name = tokenName(token);
  if (!resolve) {
    fail(
      `\`settings\` (${name}) needs a transport that can read providers: connect it with connectNatsTransport`,
    );
    return undefined;
  }
  let value: unknown;
  try {
    value = resolve(token as InjectionToken);
  } catch {
    fail(`\`settings\` (${name}) is not provided: provide it in a module the application imports`);
    return undefined;
  }
  if (typeof value !== 'object' || value === null) {
    fail(`\`settings\` (${name}) must provide an object, not ${value === null ? 'null' : typeof value}`);
    return undefined;
  }
  const tuned = value as Record<string, unknown>;
  for (const key of TUNABLE_CONSUMER_OPTIONS) if (tuned[key] !== undefined) options[key] = tuned[key];
  return options;
}

function tokenName(token: unknown): string {
  if (typeof token === 'symbol') return token.description ?? token.toString();
  if (typeof token === 'function') return token.name;
  return String(token);
}

function conflicts(bindings: Binding[]): string[] {
  const problems: string[] = [];
  const durables = new Map<string, string>();
  const bySubject = new Map<string, Binding['kind'][]>();
  for (const b of bindings) {
    const subject = b.kind === 'request' ? b.contract.subject : b.subject;
    bySubject.set(subject, [...(bySubject.get(subject) ?? []), b.kind]);
    if (b.kind !== 'jetstream') continue;
    const key = `${b.stream}/${b.durable}`;
    const other = durables.get(key);
    if (other !== undefined) {
      problems.push(
        `durable ${b.durable} of stream ${b.stream} is declared twice ('${other}' and '${b.subject}'): ` +
          'each handler needs its own',
      );
    }
    durables.set(key, b.subject);
  }
  for (const [subject, kinds] of bySubject) {
    if (kinds.includes('request') && kinds.length > 1) {
      problems.push(`@MessagePattern('${subject}') must be the only handler of its subject`);
    }
  }
  return problems;
}

function describe(d: DeclaredHandler): string {
  const pattern = typeof d.pattern === 'string' ? `'${d.pattern}'` : JSON.stringify(d.pattern);
  const durable = typeof d.extras.durable === 'string' ? ` (durable ${d.extras.durable})` : '';
  return `${d.isEventHandler ? '@EventPattern' : '@MessagePattern'}(${pattern})${durable}`;
}

function checkKeys(
  extras: Record<string, unknown>,
  allowed: string[],
  fail: (reason: string) => void,
): boolean {
  const unknown = Object.keys(extras).filter((k) => !allowed.includes(k));
  if (unknown.length) fail(`unknown option ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
  return unknown.length === 0;
}

function onDemandFlag(value: unknown, fail: (reason: string) => void): boolean {
  if (value === undefined || value === true) return value === true;
  fail('`onDemand` is `true` or absent');
  return false;
}

function optionalString(value: unknown, key: string, fail: (reason: string) => void): string | undefined {
  if (value === undefined || (typeof value === 'string' && value.length > 0)) return value;
  fail(`\`${key}\` must be a non-empty string`);
  return undefined;
}

function positiveInteger(
  value: unknown,
  key: string,
  fallback: number,
  fail: (reason: string) => void,
): number {
  if (value === undefined) return fallback;
  if (Number.isInteger(value) && (value as number) > 0) return value as number;
  fail(`\`${key}\` must be a positive whole number`);
  return fallback;
}
