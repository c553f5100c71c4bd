import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Events, type UserSubscribed, type UserUnsubscribed } from '@mirror/contracts';

import { CustomerService } from './customer.service';

/** Durable consumers of the gateway's follow and unfollow events (product scans: products/). */
@Controller()
export class CustomerHandler {
  constructor(private readonly customers: CustomerService) {}

  @EventPattern(Events.userSubscribed.subject, { durable: 'binding-user-subscribed' })
  async subscribed(@Payload() event: UserSubscribed): Promise<void> {
    await this.customers.subscribed(event);
  }

  @EventPattern(Events.userUnsubscribed.subject, { durable: 'binding-user-unsubscribed' })
  async unsubscribed(@Payload() event: UserUnsubscribed): Promise<void> {
    await this.customers.unsubscribed(event);
  }
}
