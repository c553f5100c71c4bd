import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startTracing, traceHttpRequest, tracingEnabled, type Tracing } from '@mirror/platform';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

/** A request as node:http gives it, and Express's matched route when given. */
function request(method: string, url: string, headers: Record<string, string> = {}, route?: string) {
  return { method, url, headers, ...(route ? { route: { path: route }, baseUrl: '' } : {}) };
}

/** A response that closes (answered, or the connection lost) when told. */
class FakeResponse extends EventEmitter {
  statusCode = 200;
  writableFinished = false;
  answer(status: number) {
    this.statusCode = status;
    this.writableFinished = true;
    this.emit('close');
  }
}

function serve(req: ReturnType<typeof request>, route?: string) {
  const res = new FakeResponse();
  let activeInHandler: string | undefined;
  traceHttpRequest(
    req as unknown as IncomingMessage,
    res as unknown as ServerResponse,
    () => {
      activeInHandler = trace.getActiveSpan()?.spanContext().spanId;
    },
    route,
  );
  return { res, activeInHandler };
}

describe(startTracing.name, () => {
  it('stays off without an endpoint or exporter', async () => {
    const sut = startTracing({ service: 'svc' });
    expect(sut.enabled).toBe(false);
    expect(tracingEnabled()).toBe(false);
    await sut.shutdown();
  });

  it('is on from start to the last shutdown of the services sharing the process', async () => {
    const exporter = new InMemorySpanExporter();
    const first = startTracing({ service: 'a', exporter });
    const second = startTracing({ service: 'b', exporter });
    expect(first.enabled && second.enabled).toBe(true);
    await first.shutdown();
    expect(tracingEnabled()).toBe(true);
    await second.shutdown();
    expect(tracingEnabled()).toBe(false);
  });
});

describe(traceHttpRequest.name, () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  beforeAll(() => {
    tracing = startTracing({ service: 'http-spec', exporter });
  });
  afterEach(() => exporter.reset());
  afterAll(() => tracing.shutdown());

  it("continues the caller's trace from traceparent in a server span active for the handler", () => {
    const { res, activeInHandler } = serve(
      request('POST', '/wechat?signature=x', { traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` }),
      '/wechat',
    );
    res.answer(200);
    const [sut] = exporter.getFinishedSpans();
    expect(sut).toMatchObject({ name: 'POST /wechat', kind: SpanKind.SERVER });
    expect(sut.spanContext().traceId).toBe(TRACE_ID);
    expect(sut.parentSpanContext?.spanId).toBe(SPAN_ID);
    expect(activeInHandler).toBe(sut.spanContext().spanId);
    expect(sut.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/wechat',
      'url.path': '/wechat',
      'http.response.status_code': 200,
    });
  });

  it("starts a trace when the request carries none, named by Express's matched route", () => {
    const { res } = serve(request('GET', '/oauth/callback?code=c&state=s', {}, '/oauth/callback'));
    res.answer(302);
    const [sut] = exporter.getFinishedSpans();
    expect(sut.name).toBe('GET /oauth/callback');
    expect(sut.parentSpanContext).toBeUndefined();
    expect(sut.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a 5xx answer and a lost connection as errors, and names an unrouted request by method', () => {
    serve(request('GET', '/me', {}, '/me')).res.answer(503);
    const lost = serve(request('GET', '/nowhere')).res;
    lost.emit('close');
    const [failed, unrouted] = exporter.getFinishedSpans();
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(unrouted.name).toBe('GET');
    expect(unrouted.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('leaves probes and scrapes out of traces', () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) serve(request('GET', path)).res.answer(200);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
