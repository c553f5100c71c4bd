import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Span,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface TracingOptions {
  /** `service.name` of every span (`OTEL_SERVICE_NAME`, else the service's own name). */
  service: string;
  /** OTLP/HTTP base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`); spans are POSTed to `<endpoint>/v1/traces`. */
  endpoint?: string;
  /** An exporter of one's own (tests: InMemorySpanExporter), fed span by span; wins over `endpoint`. */
  exporter?: SpanExporter;
}

/** The process's tracing, started once; `shutdown` flushes what is buffered. */
export interface Tracing {
  readonly enabled: boolean;
  shutdown(): Promise<void>;
}

let active: { provider: NodeTracerProvider; users: number } | undefined;

/** Whether spans are recorded in this process: when not, callers skip span work altogether. */
export function tracingEnabled(): boolean {
  return active !== undefined;
}

/**
 * Starts tracing for this process when an endpoint or exporter is given: W3C trace context, spans of the
 * active context (AsyncLocalStorage), batched OTLP/HTTP (JSON) export. Without either it does nothing and
 * the API's no-op tracer stays in place. Every service of one process shares the first provider (tests boot
 * several); the last `shutdown` flushes it.
 */
export function startTracing(options: TracingOptions): Tracing {
  if (!options.exporter && !options.endpoint) return { enabled: false, shutdown: async () => undefined };
  if (!active) {
    const processor = options.exporter
      ? new SimpleSpanProcessor(options.exporter)
      : new BatchSpanProcessor(
          new OTLPTraceExporter({ url: `${options.endpoint!.replace(/\/+$/, '')}/v1/traces` }),
        );
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.service }),
      spanProcessors: [processor],
    });
    provider.register({ propagator: new W3CTraceContextPropagator() });
    active = { provider, users: 0 };
  }
  const started = active;
  started.users++;
  let stopped = false;
  return {
    enabled: true,
    shutdown: async () => {
      if (stopped) return;
      stopped = true;
      if (--started.users > 0) return void (await started.provider.forceFlush());
      if (active === started) active = undefined;
      await started.provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** Probes and scrapes: frequent, and no part of any customer's trace. */
const UNTRACED = /^\/(healthz|readyz|metrics)(\?|$)/;

/**
 * Runs `handle` in an HTTP server span, a child of the request's `traceparent` when it has one; the span
 * ends with the response and is named `<method> <route>` (`route` given, or Express's matched route).
 */
export function traceHttpRequest(
  req: IncomingMessage,
  res: ServerResponse,
  handle: () => void,
  route?: string,
): void {
  if (!active || UNTRACED.test(req.url ?? '')) return handle();
  const method = req.method ?? 'GET';
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  // looked up per use: a tracer kept from before a restart of tracing (tests) would stay a no-op
  const span = trace.getTracer('@mirror/platform').startSpan(
    route ? `${method} ${route}` : method,
    {
      kind: SpanKind.SERVER,
      attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: (req.url ?? '').split('?')[0] },
    },
    parent,
  );
  res.once('close', () => endHttpSpan(span, req, res, method, route));
  context.with(trace.setSpan(parent, span), handle);
}

function endHttpSpan(span: Span, req: IncomingMessage, res: ServerResponse, method: string, route?: string) {
  // Express sets `route` (and `baseUrl`) on the request once a route matched
  const matched = (req as { route?: { path?: unknown }; baseUrl?: string }).route?.path;
  const name =
    route ?? (typeof matched === 'string' ? `${(req as { baseUrl?: string }).baseUrl ?? ''}${matched}` : '');
  if (name) {
    span.setAttribute(ATTR_HTTP_ROUTE, name);
    span.updateName(`${method} ${name}`);
  }
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
  if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}
