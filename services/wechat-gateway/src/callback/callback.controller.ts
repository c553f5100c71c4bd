import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  CORRELATION_HTTP_HEADER,
  Clock,
  LOGGER,
  currentCorrelationId,
  traceHttpRequest,
  withCorrelation,
} from '@mirror/platform';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { CallbackRejectedError, EventPublishFailedError } from './callback.errors';
import { CallbackMetrics, type CallbackOutcome } from './callback.metrics';
import { CallbackService, type VerifyQuery } from './callback.service';
import { CALLBACK_SETTINGS, type CallbackSettings } from './callback.settings';
import { readRawBody, RequestAbortedError } from './raw-body';

/** The callback URL's path. */
export const CALLBACK_PATH = '/wechat';

/** Generic bodies: the reason goes to the log and the metric, never to the caller. */
const GENERIC: Record<number, string> = {
  400: 'bad request',
  401: 'unauthorized',
  413: 'payload too large',
  503: 'unavailable, retry later',
};

const QUERY_NAMES = ['signature', 'timestamp', 'nonce', 'encrypt_type', 'msg_signature', 'echostr'] as const;

/**
 * The callback URL WeChat's servers call: GET to verify the server, POST for every event and message.
 *
 * It is mounted on the HTTP server ahead of Express rather than through Nest's router: this is the
 * gateway's hot path, and routing through Express and Nest cost more CPU than verifying, decrypting and
 * publishing a callback (bench/gateway measures both). Every other path still goes through Nest.
 */
@Injectable()
export class CallbackController implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly callbacks: CallbackService,
    private readonly metrics: CallbackMetrics,
    private readonly clock: Clock,
    @Inject(CALLBACK_SETTINGS) private readonly settings: CallbackSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    const nest = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (isCallbackUrl(req.url) && (req.method === 'GET' || req.method === 'POST')) {
        const id = req.headers[CORRELATION_HTTP_HEADER] ?? req.headers['x-request-id'];
        withCorrelation(typeof id === 'string' ? id : undefined, () => {
          res.setHeader(CORRELATION_HTTP_HEADER, currentCorrelationId() ?? '');
          traceHttpRequest(
            req,
            res,
            () => void (req.method === 'GET' ? this.verify(req, res) : this.receive(req, res)),
            CALLBACK_PATH,
          );
        });
        return;
      }
      for (const listener of nest) listener.call(server, req, res);
    });
  }

  /** GET /wechat: echo `echostr` for a genuine, fresh request. */
  async verify(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = this.clock.now();
    try {
      const echostr = await this.callbacks.verifyUrl(queryOf(req.url!));
      send(res, 200, echostr);
      this.finish('GET', 'verified', started);
    } catch (e) {
      this.fail(req, res, e, started);
    }
  }

  /** POST /wechat: a callback, answered with the passive reply or `success`. */
  async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = this.clock.now();
    try {
      const body = await readRawBody(req, this.settings.maxBodyBytes);
      const answer = await this.callbacks.handle(queryOf(req.url!), body, started);
      send(res, 200, answer.body, answer.body.startsWith('<') ? 'application/xml' : 'text/plain');
      this.finish('POST', answer.outcome, started);
    } catch (e) {
      this.fail(req, res, e, started);
    }
  }

  private fail(req: IncomingMessage, res: ServerResponse, e: unknown, started: number): void {
    const method = req.method ?? 'POST';
    if (e instanceof CallbackRejectedError) {
      this.metrics.rejected(e.reason);
      this.logger.warn(
        { reason: e.reason, status: e.status, method },
        `wechat callback rejected: ${e.message}`,
      );
      // Do not read the rest of an oversized body: close the connection after answering.
      if (e.status === 413) res.setHeader('Connection', 'close');
      send(res, e.status, GENERIC[e.status] ?? GENERIC[400]);
      this.finish(method, 'rejected', started);
      return;
    }
    if (e instanceof RequestAbortedError) {
      this.finish(method, 'rejected', started);
      return;
    }
    // Not the caller's fault (NATS or an unexpected fault): 503 makes WeChat retry, and the retry is safe.
    const level = e instanceof EventPublishFailedError ? 'warn' : 'error';
    this.logger[level]({ err: e, method }, 'wechat callback failed; WeChat will retry');
    send(res, 503, GENERIC[503]);
    this.finish(method, 'failed', started);
  }

  private finish(method: string, outcome: CallbackOutcome, started: number): void {
    this.metrics.request(method, outcome, (this.clock.now() - started) / 1000);
  }
}

function isCallbackUrl(url: string | undefined): boolean {
  if (!url?.startsWith(CALLBACK_PATH)) return false;
  const end = url.charCodeAt(CALLBACK_PATH.length);
  return Number.isNaN(end) || end === 63; /* '?' */
}

/** The WeChat query parameters as single strings; a repeated parameter counts as absent. */
export function queryOf(url: string): VerifyQuery {
  const q = url.indexOf('?');
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const out: Record<string, string | undefined> = {};
  for (const name of QUERY_NAMES) {
    const values = params.getAll(name);
    out[name] = values.length === 1 ? values[0] : undefined;
  }
  return out;
}

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain'): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'Content-Type': `${contentType}; charset=utf-8`,
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  res.end(body);
}
