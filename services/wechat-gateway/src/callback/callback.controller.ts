import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { APP_CONFIG, LOGGER } from '@mirror/platform';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { Clock } from '../clock';
import type { AppConfig } from '../config';
import { CallbackRejectedError, EventPublishFailedError } from './callback.errors';
import { CallbackMetrics, type CallbackOutcome } from './callback.metrics';
import { CallbackService, type VerifyQuery } from './callback.service';
import { readRawBody, RequestAbortedError } from './raw-body';

/** Generic bodies: the reason goes to the log and the metric, never to the caller. */
const GENERIC: Record<number, string> = {
  400: 'bad request',
  401: 'unauthorized',
  413: 'payload too large',
  503: 'unavailable, retry later',
};

/** The callback URL WeChat's servers call: GET to verify the server, POST for every event and message. */
@Controller('wechat')
export class CallbackController {
  constructor(
    @Inject(CallbackService) private readonly callbacks: CallbackService,
    @Inject(CallbackMetrics) private readonly metrics: CallbackMetrics,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get()
  async verify(@Req() req: Request, @Res() res: Response): Promise<void> {
    const started = this.clock.now();
    try {
      const echostr = await this.callbacks.verifyUrl(queryOf(req, ['echostr']));
      this.send(res, 200, echostr);
      this.finish('GET', 'verified', started);
    } catch (e) {
      this.fail(req, res, e, started);
    }
  }

  @Post()
  async receive(@Req() req: Request, @Res() res: Response): Promise<void> {
    const started = this.clock.now();
    try {
      const body = await readRawBody(req, this.config.WECHAT_MAX_BODY_BYTES);
      const answer = await this.callbacks.handle(queryOf(req), body, started);
      this.send(res, 200, answer.body, answer.body.startsWith('<') ? 'application/xml' : 'text/plain');
      this.finish('POST', answer.outcome, started);
    } catch (e) {
      this.fail(req, res, e, started);
    }
  }

  private fail(req: Request, res: Response, e: unknown, started: number): void {
    const method = req.method;
    if (e instanceof CallbackRejectedError) {
      this.metrics.rejected(e.reason);
      this.logger.warn(
        { reason: e.reason, status: e.status, method },
        `wechat callback rejected: ${e.message}`,
      );
      if (e.status === 413) res.setHeader('Connection', 'close');
      this.send(res, e.status, GENERIC[e.status] ?? GENERIC[400]);
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
    this.send(res, 503, GENERIC[503]);
    this.finish(method, 'failed', started);
  }

  private send(res: Response, status: number, body: string, contentType = 'text/plain'): void {
    if (res.headersSent) return;
    res.status(status);
    res.setHeader('Content-Type', `${contentType}; charset=utf-8`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    res.end(body);
  }

  private finish(method: string, outcome: CallbackOutcome, started: number): void {
    this.metrics.request(method, outcome, (this.clock.now() - started) / 1000);
  }
}

/** The WeChat query parameters as single strings; repeated or nested (qs) values count as absent. */
function queryOf(req: Request, extra: string[] = []): VerifyQuery {
  const out: Record<string, string | undefined> = {};
  for (const name of ['signature', 'timestamp', 'nonce', 'encrypt_type', 'msg_signature', ...extra]) {
    const value = req.query[name];
    out[name] = typeof value === 'string' ? value : undefined;
  }
  return out;
}
