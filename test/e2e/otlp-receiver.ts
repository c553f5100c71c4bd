import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** OTLP span kinds (SPAN_KIND_*). */
export const OtlpKind = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

/** One span as a service exported it, with the `service.name` of its resource. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value?: OtlpValue;
}
interface OtlpTraces {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: OtlpAttribute[];
      }[];
    }[];
  }[];
}

/**
 * A collector in the test's own process: OTLP/HTTP with the JSON encoding (what
 * @opentelemetry/exporter-trace-otlp-http sends), `POST /v1/traces`; it keeps every span it is sent.
 */
export class OtlpReceiver {
  private constructor(
    private readonly server: Server,
    /** The base URL for OTEL_EXPORTER_OTLP_ENDPOINT. */
    readonly url: string,
    /** Every span received so far, in order of arrival. */
    readonly spans: ReceivedSpan[],
  ) {}

  static async start(): Promise<OtlpReceiver> {
    const spans: ReceivedSpan[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/traces') {
          res.writeHead(404).end();
          return;
        }
        try {
          const raw = Buffer.concat(chunks);
          const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
          spans.push(...spansOf(JSON.parse(body.toString('utf8')) as OtlpTraces));
          res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
        } catch {
          // a body that is not OTLP/JSON (protobuf, say): the exporter is configured wrong
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new OtlpReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans);
  }

  /** Every span of one trace received so far. */
  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // exporters keep their connections alive
    this.server.closeAllConnections();
    await closed;
  }
}

/** The spans of one OTLP/JSON export request, each with its resource's `service.name`. */
function spansOf(traces: OtlpTraces): ReceivedSpan[] {
  return (traces.resourceSpans ?? []).flatMap((rs) => {
    const service = String(attributes(rs.resource?.attributes)['service.name']);
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        service,
        traceId: hexId(s.traceId),
        spanId: hexId(s.spanId),
        parentSpanId: s.parentSpanId ? hexId(s.parentSpanId) : undefined,
        name: s.name,
        kind: s.kind,
        attributes: attributes(s.attributes),
      })),
    );
  });
}

function attributes(list: OtlpAttribute[] = []): Record<string, unknown> {
  return Object.fromEntries(
    list.map(({ key, value = {} }) => [
      key,
      value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue,
    ]),
  );
}

/** OTLP/JSON carries ids in hex; protobuf-as-JSON encoders use base64. */
function hexId(id: string): string {
  return /^([0-9a-f]{16}|[0-9a-f]{32})$/i.test(id)
    ? id.toLowerCase()
    : Buffer.from(id, 'base64').toString('hex');
}
