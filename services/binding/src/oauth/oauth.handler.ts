import { Injectable } from '@nestjs/common';
import { Requests, type OauthConfirmRequest, type OauthConfirmResponse } from '@mirror/contracts';
import { OnRequest } from '@mirror/nats';
import { OAuthService } from './oauth.service';

/** `binding.oauth.confirm {code, state}` from the gateway's OAuth callback. */
@Injectable()
export class OAuthHandler {
  constructor(private readonly oauth: OAuthService) {}

  @OnRequest(Requests.oauthConfirm)
  async confirm(request: OauthConfirmRequest): Promise<OauthConfirmResponse> {
    return this.oauth.confirm(request.code, request.state);
  }
}
