import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { PushRepository } from './push.repository';
import { PushService } from './push.service';

/** Customer-service messages: the fallback when a passive reply could not reach WeChat in time. */
@Module({
  imports: [CustomersModule],
  providers: [PushRepository, PushService],
  exports: [PushService],
})
export class PushModule {}
