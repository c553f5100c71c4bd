import { Injectable } from '@nestjs/common';
import { Events, type ProductScanned, type UserSubscribed, type UserUnsubscribed } from '@mirror/contracts';
import { OnEvent } from '@mirror/nats';
import { CustomerService } from './customer.service';

/** Durable consumers of the gateway's user events. */
@Injectable()
export class CustomerHandler {
  constructor(private readonly customers: CustomerService) {}

  @OnEvent(Events.userSubscribed, { durable: 'binding-user-subscribed' })
  async subscribed(event: UserSubscribed): Promise<void> {
    await this.customers.subscribed(event);
  }

  @OnEvent(Events.userUnsubscribed, { durable: 'binding-user-unsubscribed' })
  async unsubscribed(event: UserUnsubscribed): Promise<void> {
    await this.customers.unsubscribed(event);
  }

  @OnEvent(Events.productScanned, { durable: 'binding-product-scanned' })
  async productScanned(event: ProductScanned): Promise<void> {
    await this.customers.productScanned(event);
  }
}
