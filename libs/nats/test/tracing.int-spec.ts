import { Controller, Inject, type INestApplication } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { Events, Requests, type PhotoUrlRequest, type SessionStarted } from '@mirror/contracts';
import { NatsClient, TRACEPARENT_HEADER } from '@mirror/nats';
import { startTracing, type Tracing } from '@mirror/platform';
import {
  deleteNamespaceStreams,
  testEnv,
  testLogger,
  testNatsAuth,
  uniqueName,
  waitFor,
} from '@mirror/testing';
import { ulid } from 'ulid';
import { startProbeService } from './support/probe-service';

/** Consumes session.started and, while handling it, asks photo.url, which it also serves. */
@Controller()
class TracedHandlers {
  constructor(@Inject(NatsClient) private readonly nats: NatsClient) {}

  @EventPattern(Events.sessionStarted.subject, { durable: 'traced' })
  async started(@Payload() e: SessionStarted) {
    await this.nats.request(Requests.photoUrl, { photoId: `cover-${e.sessionId}` });
  }

  @MessagePattern(Requests.photoUrl.subject)
  url(@Payload() r: PhotoUrlRequest) {
    return { url: `http://s3.local/${r.photoId}`, expiresAt: new Date().toISOString() };
  }
}

describe('tracing through the NATS transport', () => {
  const namespace = uniqueName('trc');
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let app: INestApplication;
  let outside: NatsClient;

  beforeAll(async () => {
    tracing = startTracing({ service: 'nats-tracing-int', exporter });
    app = await startProbeService({ namespace, controllers: [TracedHandlers] });
    outside = await NatsClient.connect({
      ...(await testNatsAuth()),
      servers: testEnv.natsUrl(),
      name: 'publisher',
      namespace,
      logger: testLogger(),
    });
  });

  afterAll(async () => {
    await outside?.drain();
    await app?.close();
    await tracing?.shutdown();
    await deleteNamespaceStreams(namespace);
  });

  const span = (name: string) => exporter.getFinishedSpans().find((s) => s.name === name);
  const parentOf = (child: ReadableSpan) => child.parentSpanContext?.spanId;

  it("makes the consumer's span a child of the producer's, in one trace, and the handler's work its child", async () => {
    const sessionId = ulid();
    await outside.publish(
      Events.sessionStarted,
      { sessionId, mirrorId: 'm1', at: new Date().toISOString() },
      {
        msgID: sessionId,
      },
    );
    const consumer = await waitFor(() => span('session.started process'));
    const producer = span('session.started publish')!;
    expect(producer.kind).toBe(SpanKind.PRODUCER);
    expect(consumer.kind).toBe(SpanKind.CONSUMER);
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(parentOf(consumer)).toBe(producer.spanContext().spanId);
    expect(consumer.attributes).toMatchObject({
      'messaging.consumer.group.name': 'traced',
      'messaging.nats.delivery_count': 1,
    });

    // what the handler asks carries the trace on, to the span that serves it
    const request = span('photo.url request')!;
    const serve = span('photo.url serve')!;
    expect(request.kind).toBe(SpanKind.CLIENT);
    expect(serve.kind).toBe(SpanKind.SERVER);
    expect(parentOf(request)).toBe(consumer.spanContext().spanId);
    expect(parentOf(serve)).toBe(request.spanContext().spanId);
    expect(new Set([request, serve].map((s) => s.spanContext().traceId))).toEqual(
      new Set([producer.spanContext().traceId]),
    );
  });

  it('stores the traceparent of the producer span in the message itself', async () => {
    const sessionId = ulid();
    exporter.reset();
    await outside.publish(
      Events.sessionStarted,
      { sessionId, mirrorId: 'm2', at: new Date().toISOString() },
      {
        msgID: sessionId,
      },
    );
    const producer = span('session.started publish')!;
    const stored = await outside.jsm.streams.getMessage(outside.ns.stream('SESSIONS'), {
      last_by_subj: outside.ns.subject(Events.sessionStarted.subject),
    });
    const { traceId, spanId } = producer.spanContext();
    expect(stored?.header.get(TRACEPARENT_HEADER)).toBe(`00-${traceId}-${spanId}-01`);
    await waitFor(() => span('session.started process'));
  });
});
