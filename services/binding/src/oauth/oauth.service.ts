import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { OAuthConfirmCodes, type OauthConfirmResponse } from '@mirror/contracts';
import { RefusalError } from '@mirror/nats';
import { Clock, LOGGER, MetricsService } from '@mirror/platform';
import {
  StateExpiredError,
  StateForgedError,
  verifyOAuthState,
  type OAuthStateClaims,
} from '@mirror/web-auth';
import { WeChatApiError, WeChatTransportError, type OAuthGrant } from '@mirror/wechat';
import { CustomerRepository } from '../customers/customer.repository';
import { UnitOfWork } from '../database/unit-of-work';
import { WeChatRepository } from '../wechat/wechat.repository';
import { OAuthRepository } from './oauth.repository';
import { OAUTH_SETTINGS, type OAuthSettings } from './oauth.settings';

/**
 * The OAuth confirmation: the code WeChat gave the customer's browser names an openid; the binding is
 * confirmed only if that is the openid whose scan claimed the session behind the state's scene.
 */
@Injectable()
export class OAuthService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly oauth: OAuthRepository,
    private readonly customers: CustomerRepository,
    private readonly wechat: WeChatRepository,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    @Inject(OAUTH_SETTINGS) private readonly settings: OAuthSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Confirms the binding of the session behind `state`'s scene for the openid WeChat names for `code`:
   * the state is checked before the code is spent, and only the openid that claimed the session is let in.
   */
  async confirm(code: string, state: string): Promise<OauthConfirmResponse> {
    const claims = this.verifyState(state);
    const claim = await this.oauth.claimForScene(claims.scene);
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
    const now = this.clock.date();
    await this.uow.transaction(async () => {
      await this.customers.touch({
        openid: grant.openid,
        at: now,
        interaction: true,
        unionid: grant.unionid,
      });
      await this.oauth.confirm(claim.sessionId, grant.openid, now);
    });
    this.count('confirmed');
    return { openid: grant.openid, sessionId: claim.sessionId };
  }

  private verifyState(state: string): OAuthStateClaims {
    try {
      return verifyOAuthState(state, this.settings.stateSecret, this.clock.now());
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
