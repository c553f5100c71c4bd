import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Requests, type OauthConfirmRequest, type OauthConfirmResponse } from '@mirror/contracts';

import { OAuthService } from './oauth.service';

/** `binding.oauth.confirm {code, state}` from the gateway's OAuth callback. */
@Controller()
export class OAuthHandler {
  constructor(private readonly oauth: OAuthService) {}

  @MessagePattern(Requests.oauthConfirm.subject)
  async confirm(@Payload() request: OauthConfirmRequest): Promise<OauthConfirmResponse> {
    return this.oauth.confirm(request.code, request.state);
  }
}
