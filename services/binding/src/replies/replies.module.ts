import { Module } from '@nestjs/common';
import { ClaimsModule } from '../claims/claims.module';
import { CustomersModule } from '../customers/customers.module';
import { OAuthModule } from '../oauth/oauth.module';
import { PhotosModule } from '../photos/photos.module';
import { PushModule } from '../push/push.module';
import { LinkHandler } from './link.handler';
import { LinkRepository } from './link.repository';
import { LinkService } from './link.service';
import { ReplyComposer } from './reply.composer';
import { ReplyHandler } from './reply.handler';
import { ReplyService } from './reply.service';

/**
 * The conversation with a customer: `binding.reply.scan`, the durable scan and message events, and
 * `binding.link.open` (where the stable links in replies and pushed messages lead now).
 */
@Module({
  imports: [ClaimsModule, PhotosModule, CustomersModule, OAuthModule, PushModule],
  providers: [ReplyComposer, ReplyService, LinkRepository, LinkService],
  controllers: [ReplyHandler, LinkHandler],
  exports: [ReplyComposer],
})
export class RepliesModule {}
