import { Module } from '@nestjs/common';
import { OAuthHandler } from './oauth.handler';
import { OAuthService } from './oauth.service';

@Module({ providers: [OAuthService, OAuthHandler] })
export class OAuthModule {}
