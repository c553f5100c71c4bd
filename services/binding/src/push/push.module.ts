import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { PhotoAnnouncementJob } from './photo-announcement.job';
import { PhotoAnnouncementRepository } from './photo-announcement.repository';
import { PhotoAnnouncer } from './photo-announcer.service';
import { PushRepository } from './push.repository';
import { PushService } from './push.service';

/**
 * Customer-service messages: the fallback when a passive reply could not reach WeChat in time, and the
 * announcement of photos taken after the scan.
 */
@Module({
  imports: [CustomersModule],
  providers: [PushRepository, PushService, PhotoAnnouncementRepository, PhotoAnnouncer, PhotoAnnouncementJob],
  exports: [PushService, PhotoAnnouncer],
})
export class PushModule {}
