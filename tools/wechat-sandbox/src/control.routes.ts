import { ENDPOINTS, Endpoint } from './call-log';
import { jsonBody, SandboxRequest, SandboxResponse } from './http-kit';
import type { WeChatSandbox } from './sandbox';

const PREFIX = '/_sandbox/';

/** The HTTP control API (`/_sandbox/…`), mirroring the sandbox's methods for standalone use. */
export class ControlRoutes {
  constructor(private readonly sandbox: WeChatSandbox) {}

  /** Answers a control request, or returns null when the path is not one. */
  async handle(req: SandboxRequest): Promise<SandboxResponse | null> {
    if (!req.path.startsWith(PREFIX)) return null;
    const action = `${req.method} ${req.path.slice(PREFIX.length)}`;
    const body = jsonBody(req) ?? {};
    const s = this.sandbox;
    try {
      switch (action) {
        case 'GET health':
          return { json: { ok: true } };
        case 'POST scan':
          return { json: await s.scan(body as { openid: string; ticket?: string; url?: string }) };
        case 'POST follow':
          return { json: await s.follow(body as { openid: string }) };
        case 'POST unsubscribe':
          return { json: await s.unsubscribe(body as { openid: string }) };
        case 'POST text':
          return { json: await s.text(body as { openid: string; content: string }) };
        case 'POST event':
          return { json: await s.pushEvent(body as { openid: string; event: string }) };
        case 'GET calls':
          return { json: { counts: s.counts(), calls: s.callLog() } };
        case 'GET messages':
          return { json: s.sentMessages(req.query.get('openid') ?? undefined) };
        case 'GET replies':
          return { json: s.replies(req.query.get('openid') ?? undefined) };
        case 'GET deliveries':
          return { json: s.deliveries };
        case 'GET tickets':
          return { json: s.ticketList() };
        case 'GET customers':
          return { json: s.customerList() };
        case 'POST rotate-token':
          s.rotateToken(optionalNumber(body.graceMs) ?? 0);
          return { json: { ok: true } };
        case 'POST expire-tokens':
          s.expireTokens();
          return { json: { ok: true } };
        case 'POST quota':
          s.setQuota(
            endpoint(body.endpoint),
            body.limit === null ? null : requiredNumber(body.limit, 'limit'),
          );
          return { json: { ok: true } };
        case 'POST fault':
          s.injectFault(
            endpoint(body.endpoint),
            requiredNumber(body.errcode, 'errcode'),
            optionalNumber(body.times) ?? 1,
          );
          return { json: { ok: true } };
        case 'POST latency':
          s.setLatency(endpoint(body.endpoint), requiredNumber(body.ms, 'ms'));
          return { json: { ok: true } };
        case 'POST oauth-user':
          s.setOAuthUser(typeof body.openid === 'string' ? body.openid : null);
          return { json: { ok: true } };
        case 'POST callback-url':
          s.setCallbackUrl(typeof body.url === 'string' ? body.url : null);
          return { json: { ok: true } };
        case 'POST reset':
          s.reset();
          return { json: { ok: true } };
        default:
          return { status: 404, json: { error: `unknown control action ${action}` } };
      }
    } catch (error) {
      const status = (error as { status?: number }).status ?? 400;
      return { status, json: { error: (error as Error).message } };
    }
  }
}

class ControlInputError extends Error {
  readonly status = 400;
}

function endpoint(value: unknown): Endpoint {
  if (!(ENDPOINTS as readonly unknown[]).includes(value)) {
    throw new ControlInputError(`endpoint must be one of ${ENDPOINTS.join(', ')}`);
  }
  return value as Endpoint;
}

function requiredNumber(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ControlInputError(`${name} must be a number`);
  return value;
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
