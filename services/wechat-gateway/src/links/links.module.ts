import { Module } from '@nestjs/common';
import { BindingLinkClient } from './binding-link.client';
import { LinksController } from './links.controller';
import { LinksService } from './links.service';
import { MpVerifyController } from './mp-verify.controller';

/** The stable photo links (`/link/…`) and WeChat's domain-verification file (`/MP_verify_<token>.txt`). */
@Module({
  controllers: [LinksController, MpVerifyController],
  providers: [LinksService, BindingLinkClient],
})
export class LinksModule {}
