import { Module } from '@nestjs/common';
import { BindingReplyClient } from './binding-reply.client';
import { CallbackController } from './callback.controller';
import { CallbackGuardRepository } from './callback-guard.repository';
import { CallbackMetrics } from './callback.metrics';
import { CallbackService } from './callback.service';
import { WeChatEventsPublisher } from './wechat-events.publisher';

/** `/wechat`: WeChat's callbacks in, `wechat.*` events and passive replies out. */
@Module({
  providers: [
    // Not in `controllers`: it mounts /wechat on the HTTP server ahead of Express itself (see its JSDoc).
    CallbackController,
    CallbackService,
    CallbackGuardRepository,
    WeChatEventsPublisher,
    BindingReplyClient,
    CallbackMetrics,
  ],
})
export class CallbackModule {}
