import { Injectable } from '@nestjs/common';
import { Requests, type OauthConfirmResponse } from '@mirror/contracts';
import { NatsClient } from '@mirror/nats';

/** Forwards an OAuth callback to binding (`binding.oauth.confirm`), which exchanges the code and confirms. */
@Injectable()
export class BindingOAuthClient {
  constructor(private readonly nats: NatsClient) {}

  /** Throws NoRespondersError, RequestTimeoutError or RequestRefusedError (binding said no). */
  confirm(code: string, state: string, timeoutMs: number): Promise<OauthConfirmResponse> {
    return this.nats.request(Requests.oauthConfirm, { v: 1, code, state }, { timeoutMs });
  }
}
