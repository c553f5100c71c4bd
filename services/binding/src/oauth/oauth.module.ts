import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { OAuthLinks } from './oauth-links.service';
import { OAuthHandler } from './oauth.handler';
import { OAuthRepository } from './oauth.repository';
import { OAuthService } from './oauth.service';

/** The OAuth links binding sends and `binding.oauth.confirm`, which turns a claim into a confirmed binding. */
@Module({
  imports: [CustomersModule],
  providers: [OAuthRepository, OAuthLinks, OAuthService],
  controllers: [OAuthHandler],
  exports: [OAuthLinks],
})
export class OAuthModule {}
