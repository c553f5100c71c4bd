import { Module } from '@nestjs/common';
import { ClaimsModule } from '../claims/claims.module';
import { CustomersModule } from '../customers/customers.module';
import { OAuthModule } from '../oauth/oauth.module';
import { PhotosModule } from '../photos/photos.module';
import { PushModule } from '../push/push.module';
import { ReplyComposer } from './reply.composer';
import { ReplyHandler } from './reply.handler';
import { ReplyService } from './reply.service';

/** The conversation with a customer: `binding.reply.scan`, and the durable scan and message events. */
@Module({
  imports: [ClaimsModule, PhotosModule, CustomersModule, OAuthModule, PushModule],
  providers: [ReplyComposer, ReplyService],
  controllers: [ReplyHandler],
  exports: [ReplyComposer],
})
export class RepliesModule {}
