import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { OAuthConfirmCodes, type OauthConfirmResponse } from '@mirror/contracts';
import { RefusalError } from '@mirror/nats';
import { APP_CONFIG, LOGGER, MetricsService } from '@mirror/platform';
import {
  StateExpiredError,
  StateForgedError,
  verifyOAuthState,
  type OAuthStateClaims,
} from '@mirror/web-auth';
import { WeChatApiError, WeChatTransportError, type OAuthGrant } from '@mirror/wechat';
import type { AppConfig } from '../config';
import { CustomerRepository } from '../customers/customer.repository';
import { Clock } from '../shared/clock';
import { WeChatRepository } from '../wechat/wechat.repository';
import { OAuthRepository } from './oauth.repository';

/**
 * The OAuth confirmation: the code WeChat gave the customer's browser names an openid; the binding is
 * confirmed only if that is the openid whose scan claimed the session behind the state's scene.
 */
@Injectable()
export class OAuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly oauth: OAuthRepository,
    private readonly customers: CustomerRepository,
    private readonly wechat: WeChatRepository,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async confirm(code: string, state: string): Promise<OauthConfirmResponse> {
    const claims = this.verifyState(state);
    const claim = await this.oauth.claimForScene(this.dataSource.manager, claims.scene);
    if (!claim) {
      throw this.refuse(
        OAuthConfirmCodes.notFound,
        'Nobody has scanned this QR code; scan the code on the mirror.',
      );
    }
    const grant = await this.exchange(code);
    if (grant.openid !== claim.openid) {
      this.logger.warn(
        { sessionId: claim.sessionId },
        'OAuth confirmation by an openid that did not scan refused',
      );
      throw this.refuse(
        OAuthConfirmCodes.forbidden,
        'These photos belong to the customer who scanned the QR code.',
      );
    }
    const now = this.clock.now();
    await this.dataSource.transaction(async (em) => {
      await this.customers.touch(em, {
        openid: grant.openid,
        at: now,
        interaction: true,
        unionid: grant.unionid,
      });
      await this.oauth.confirm(em, claim.sessionId, grant.openid, now);
    });
    this.count('confirmed');
    return { openid: grant.openid, sessionId: claim.sessionId };
  }

  private verifyState(state: string): OAuthStateClaims {
    try {
      return verifyOAuthState(state, this.config.OAUTH_STATE_SECRET, this.clock.now());
    } catch (e) {
      if (e instanceof StateExpiredError) throw this.refuse(OAuthConfirmCodes.stateExpired, e.message);
      if (e instanceof StateForgedError) throw this.refuse(OAuthConfirmCodes.stateForged, e.message);
      throw e;
    }
  }

  private async exchange(code: string): Promise<OAuthGrant> {
    try {
      return await this.wechat.exchangeCode(code);
    } catch (e) {
      if (e instanceof WeChatApiError && e.errcode === 40163) {
        throw this.refuse(
          OAuthConfirmCodes.codeReused,
          'This sign-in link was already used; open the link again.',
        );
      }
      if (e instanceof WeChatApiError && e.errcode === 40029) {
        throw this.refuse(
          OAuthConfirmCodes.codeInvalid,
          'The sign-in code is unknown or expired; open the link again.',
        );
      }
      if (e instanceof WeChatTransportError || (e instanceof WeChatApiError && e.errcode === -1)) {
        throw this.refuse(OAuthConfirmCodes.unavailable, 'WeChat did not answer; try again in a moment.');
      }
      throw e;
    }
  }

  private refuse(code: string, message: string): RefusalError {
    this.count(code);
    return new RefusalError(code, message);
  }

  private count(outcome: string): void {
    this.metrics
      .counter('binding_oauth_confirmations_total', 'OAuth confirmations by outcome', ['outcome'])
      .inc({ outcome });
  }
}
