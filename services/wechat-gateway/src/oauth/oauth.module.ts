import { Module } from '@nestjs/common';
import { BindingOAuthClient } from './binding-oauth.client';
import { OAuthController } from './oauth.controller';
import { OAuthService } from './oauth.service';
import { OAuthStateRepository } from './oauth-state.repository';

/** `/oauth/callback`: signed single-use state, confirmation by binding, the customer cookie. */
@Module({
  controllers: [OAuthController],
  providers: [OAuthService, OAuthStateRepository, BindingOAuthClient],
})
export class OAuthModule {}
