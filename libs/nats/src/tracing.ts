import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import type { MsgHdrs } from '@nats-io/transport-node';
import { MirrorSubjects } from '@mirror/contracts';
import { tracingEnabled } from '@mirror/platform';

/** The W3C header that says which trace (and span) a message belongs to. */
export const TRACEPARENT_HEADER = 'traceparent';

const setter: TextMapSetter<MsgHdrs> = { set: (headers, key, value) => headers.set(key, value) };
const getter: TextMapGetter<MsgHdrs | undefined> = {
  // MsgHdrs answers '' for a header it lacks
  get: (headers, key) => headers?.get(key) || undefined,
  keys: (headers) => (headers ? [...headers.keys()] : []),
};

/** Writes the trace context (`traceparent`, `tracestate`) of `ctx` into outgoing NATS headers. */
export function injectTraceContext(headers: MsgHdrs, ctx: Context = context.active()): void {
  propagation.inject(ctx, headers, setter);
}

/** The trace context an incoming message carries; the root context when it carries none. */
export function extractTraceContext(headers: MsgHdrs | undefined): Context {
  return propagation.extract(ROOT_CONTEXT, headers, getter);
}

export type NatsOperation = 'publish' | 'request' | 'process' | 'serve';

const OPERATION_TYPE: Record<NatsOperation, string> = {
  publish: 'send',
  request: 'send',
  process: 'process',
  serve: 'process',
};

const KIND: Record<NatsOperation, SpanKind> = {
  publish: SpanKind.PRODUCER,
  request: SpanKind.CLIENT,
  process: SpanKind.CONSUMER,
  serve: SpanKind.SERVER,
};

export interface NatsSpanOptions {
  /** The message being handled (`process`, `serve`): the span is a child of its trace context, else of the active one. */
  received?: { headers?: MsgHdrs };
  attributes?: Attributes;
  /** Core traffic (frames, displays) is traced only inside a trace that reached it: no root span. */
  onlyInTrace?: boolean;
}

/**
 * Runs `fn` in the span `<subject> <operation>` (kind PRODUCER, CLIENT, CONSUMER or SERVER), made active so
 * that what `fn` publishes or asks carries it on; a thrown error or rejection is recorded. A plain call when
 * tracing is off.
 */
export function inNatsSpan<T>(
  operation: NatsOperation,
  subject: string,
  fn: () => T,
  options: NatsSpanOptions = {},
): T {
  if (!tracingEnabled()) return fn();
  const parent = options.received ? extractTraceContext(options.received.headers) : context.active();
  if (options.onlyInTrace && !trace.getSpanContext(parent)) return fn();
  const span = trace.getTracer('@mirror/nats').startSpan(
    `${spanSubject(subject)} ${operation}`,
    {
      kind: KIND[operation],
      attributes: {
        'messaging.system': 'nats',
        'messaging.destination.name': subject,
        'messaging.operation.type': OPERATION_TYPE[operation],
        'messaging.operation.name': operation,
        ...options.attributes,
      },
    },
    parent,
  );
  let result: T;
  try {
    result = context.with(trace.setSpan(parent, span), fn);
  } catch (e) {
    failSpan(span, e);
    span.end();
    throw e;
  }
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => {
        span.end();
        return value;
      },
      (e: unknown) => {
        failSpan(span, e);
        span.end();
        throw e;
      },
    ) as T;
  }
  span.end();
  return result;
}

/** Marks the active span failed (a nak, a dead letter, a refusal answered as data). */
export function markSpanFailed(reason: unknown): void {
  const span = trace.getActiveSpan();
  if (span) failSpan(span, reason);
}

function failSpan(span: Span, reason: unknown): void {
  if (reason instanceof Error) span.recordException(reason);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: reason instanceof Error ? reason.message : String(reason),
  });
}

/** A subject as a span name: one name per mirror channel, not one per mirror. */
export function spanSubject(subject: string): string {
  const mirror = MirrorSubjects.parse(subject);
  return mirror ? `mirror.*.${mirror.channel}` : subject;
}
