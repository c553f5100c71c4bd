import { Inject, Injectable } from '@nestjs/common';
import { ReplyCodes } from '@mirror/contracts';
import { RequestRefusedError } from '@mirror/nats';
import { Clock, LOGGER, MetricsService } from '@mirror/platform';
import {
  StateExpiredError,
  StateForgedError,
  customerCookieHeader,
  customerFromCookieHeader,
  signCookie,
  verifyOAuthState,
} from '@mirror/web-auth';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import { BindingOAuthClient } from './binding-oauth.client';
import { OAuthCallbackError } from './oauth.errors';
import { OAUTH_SETTINGS, type OAuthSettings } from './oauth.settings';
import { OAuthStateRepository } from './oauth-state.repository';

/** Where a signed-in customer lands: their photo page. */
export const CUSTOMER_HOME = '/me';

export interface OAuthCallbackInput {
  code: string | undefined;
  state: string | undefined;
  /** The request's Cookie header, to recognise a customer who is already signed in. */
  cookieHeader: string | undefined;
}

/** Sign the customer in: where to send them, and the cookie to set (absent when they already had one). */
export interface OAuthSignIn {
  location: string;
  setCookie?: string;
}

const CODE = /^[\x21-\x7e]{1,512}$/;

/**
 * The OAuth callback's rules: the state must be ours (signature), fresh (expiry) and unused (Redis);
 * binding exchanges the code and confirms the scanner; then the customer gets a signed cookie.
 */
@Injectable()
export class OAuthService {
  private readonly outcomes: Counter;

  constructor(
    @Inject(OAUTH_SETTINGS) private readonly settings: OAuthSettings,
    private readonly states: OAuthStateRepository,
    private readonly binding: BindingOAuthClient,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter('wechat_oauth_callbacks_total', 'OAuth callbacks, by outcome', [
      'outcome',
    ]);
  }

  /** Verifies the callback and signs the customer in; OAuthCallbackError says which rule refused it. */
  async signIn(input: OAuthCallbackInput): Promise<OAuthSignIn> {
    try {
      const result = await this.attempt(input);
      this.outcomes.inc({ outcome: result.setCookie ? 'signed-in' : 'already-signed-in' });
      return result;
    } catch (e) {
      if (e instanceof OAuthCallbackError) {
        this.outcomes.inc({ outcome: e.problem });
        this.logger.warn({ problem: e.problem, status: e.status }, e.message);
      }
      throw e;
    }
  }

  private async attempt({ code, state, cookieHeader }: OAuthCallbackInput): Promise<OAuthSignIn> {
    if (!code || !state || !CODE.test(code)) {
      throw new OAuthCallbackError('missing-parameters', 'code and state are required');
    }
    const now = this.clock.now();
    let claims;
    try {
      claims = verifyOAuthState(state, this.settings.stateSecret, now);
    } catch (e) {
      if (e instanceof StateExpiredError) throw new OAuthCallbackError('state-expired', e.message);
      if (e instanceof StateForgedError) throw new OAuthCallbackError('state-forged', e.message);
      throw e;
    }
    let first: boolean;
    try {
      first = await this.states.consume(claims.nonce, claims.exp * 1000, now);
    } catch (e) {
      throw new OAuthCallbackError('unavailable', `cannot record the state's use: ${(e as Error).message}`);
    }
    if (!first) {
      // Tapping the same link again is harmless for someone already signed in: show their page.
      if (customerFromCookieHeader(cookieHeader, this.settings.cookieSecret, now))
        return { location: CUSTOMER_HOME };
      throw new OAuthCallbackError('state-reused', 'this state was already used');
    }

    let openid: string;
    try {
      ({ openid } = await this.binding.confirm(code, state, this.settings.confirmTimeoutMs));
    } catch (e) {
      if (e instanceof RequestRefusedError) throw refusal(e);
      // binding never got to decide: give the state back so the customer can simply tap the link again.
      await this.states.release(claims.nonce).catch(() => undefined);
      throw new OAuthCallbackError('unavailable', `binding did not confirm: ${(e as Error).message}`);
    }
    const value = signCookie({
      subject: openid,
      ttlSeconds: this.settings.cookieTtlSeconds,
      secret: this.settings.cookieSecret,
      now,
    });
    return {
      location: CUSTOMER_HOME,
      setCookie: customerCookieHeader(value, {
        maxAgeSeconds: this.settings.cookieTtlSeconds,
        secure: this.settings.secureCookie,
      }),
    };
  }
}

function refusal(e: RequestRefusedError): OAuthCallbackError {
  if (e.code === ReplyCodes.forbidden) return new OAuthCallbackError('not-the-scanner', e.message);
  if (e.code === ReplyCodes.notFound) return new OAuthCallbackError('unknown-session', e.message);
  return new OAuthCallbackError('refused', e.message);
}
