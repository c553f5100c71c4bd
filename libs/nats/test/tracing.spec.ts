import { SpanKind, SpanStatusCode, TraceFlags, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { TraceState } from '@opentelemetry/core';
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  TRACEPARENT_HEADER,
  extractTraceContext,
  inNatsSpan,
  injectTraceContext,
  spanSubject,
} from '@mirror/nats';
import { startTracing, type Tracing } from '@mirror/platform';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

/** A context whose span is a remote one with the given ids, as if it came from another process. */
const remote = (traceState?: string) =>
  trace.setSpanContext(context.active(), {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    ...(traceState ? { traceState: new TraceState(traceState) } : {}),
  });

describe('NATS trace propagation', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  beforeAll(() => {
    tracing = startTracing({ service: 'nats-tracing-spec', exporter });
  });
  afterEach(() => exporter.reset());
  afterAll(() => tracing.shutdown());

  it('writes the W3C traceparent and tracestate into NATS headers', () => {
    const sut = natsHeaders();
    injectTraceContext(sut, remote('vendor=abc'));
    expect(sut.get(TRACEPARENT_HEADER)).toBe(`00-${TRACE_ID}-${SPAN_ID}-01`);
    expect(sut.get('tracestate')).toBe('vendor=abc');
  });

  it('reads back from NATS headers the trace context it wrote', () => {
    const headers = natsHeaders();
    injectTraceContext(headers, remote('vendor=abc'));
    const sut = trace.getSpanContext(extractTraceContext(headers));
    expect(sut).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    expect(sut?.traceState?.get('vendor')).toBe('abc');
  });

  it('finds no trace in a message without headers, without traceparent or with a malformed one', () => {
    const malformed = natsHeaders();
    malformed.set(TRACEPARENT_HEADER, '00-not-a-trace-01');
    for (const headers of [undefined, natsHeaders(), malformed]) {
      expect(trace.getSpanContext(extractTraceContext(headers))).toBeUndefined();
    }
  });

  it('makes the consumer span a child of the producer span whose context the message carried', async () => {
    const headers = natsHeaders();
    await inNatsSpan('publish', 'photo.stored', async () => injectTraceContext(headers));
    await inNatsSpan('process', 'photo.stored', async () => undefined, { received: { headers } });
    const [producer, consumer] = exporter.getFinishedSpans();
    expect(producer).toMatchObject({ name: 'photo.stored publish', kind: SpanKind.PRODUCER });
    expect(consumer).toMatchObject({ name: 'photo.stored process', kind: SpanKind.CONSUMER });
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumer.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.destination.name': 'photo.stored',
    });
  });

  it('makes what a handler asks a child of the span it handles, so the trace goes on', async () => {
    await inNatsSpan('serve', 'binding.reply.scan', () => inNatsSpan('request', 'photo.url', async () => 1), {
      received: { headers: undefined },
    });
    const [request, serve] = exporter.getFinishedSpans();
    expect(serve).toMatchObject({ name: 'binding.reply.scan serve', kind: SpanKind.SERVER });
    expect(request).toMatchObject({ name: 'photo.url request', kind: SpanKind.CLIENT });
    expect(request.parentSpanContext?.spanId).toBe(serve.spanContext().spanId);
  });

  it('records a failure of the traced work and passes it on', async () => {
    const failing = inNatsSpan('request', 'photo.url', async () => {
      throw new Error('no responders');
    });
    await expect(failing).rejects.toThrow('no responders');
    const [span] = exporter.getFinishedSpans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no responders' });
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('traces core traffic only inside a trace that reached it', () => {
    inNatsSpan('publish', 'mirror.m1.display', () => undefined, { onlyInTrace: true });
    inNatsSpan('process', 'mirror.m1.frame', () => undefined, { onlyInTrace: true, received: {} });
    expect(exporter.getFinishedSpans()).toEqual([]);
    context.with(remote(), () =>
      inNatsSpan('publish', 'mirror.m1.display', () => undefined, { onlyInTrace: true }),
    );
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['mirror.*.display publish']);
  });

  it('names spans by subject with one name per mirror channel', () => {
    expect(spanSubject('mirror.e2e-mirror-1.photo')).toBe('mirror.*.photo');
    expect(spanSubject('wechat.qr.scanned')).toBe('wechat.qr.scanned');
  });
});

describe('NATS spans with tracing off', () => {
  it('runs the work as a plain call and writes no trace header', async () => {
    const headers = natsHeaders();
    const answer = await inNatsSpan('publish', 'photo.stored', async () => {
      injectTraceContext(headers);
      return trace.getActiveSpan();
    });
    expect(answer).toBeUndefined();
    expect(headers.has(TRACEPARENT_HEADER)).toBe(false);
  });
});
