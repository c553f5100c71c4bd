import { Module } from '@nestjs/common';
import { ClaimsModule } from '../claims/claims.module';
import { OAuthLinks } from '../oauth/oauth-links';
import { PushService } from '../push/push.service';
import { ReplyComposer } from './reply.composer';
import { ReplyHandler } from './reply.handler';
import { ReplyService } from './reply.service';

@Module({
  imports: [ClaimsModule],
  providers: [OAuthLinks, ReplyComposer, PushService, ReplyService, ReplyHandler],
})
export class RepliesModule {}
