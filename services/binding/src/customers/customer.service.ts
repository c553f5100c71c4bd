import { Injectable } from '@nestjs/common';
import type { UserSubscribed, UserUnsubscribed } from '@mirror/contracts';
import { UnitOfWork } from '../database/unit-of-work';
import { CustomerRepository } from './customer.repository';

/** Who follows the Official Account. */
@Injectable()
export class CustomerService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly customers: CustomerRepository,
  ) {}

  /** Following; WeChat's message allowance after a follow starts now. */
  async subscribed(event: UserSubscribed): Promise<void> {
    await this.customers.touch({
      openid: event.openid,
      at: new Date(event.at),
      subscribed: true,
      burst: true,
      interaction: true,
    });
  }

  /**
   * Recorded with its time, once per event (statistics count unfollows within 7 days of a follow); bindings
   * and photos stay (the customer may follow again and find them).
   */
  async unsubscribed(event: UserUnsubscribed): Promise<void> {
    const at = new Date(event.at);
    await this.uow.transaction(async () => {
      await this.customers.touch({ openid: event.openid, at, subscribed: false });
      await this.customers.insertUnsubscribe(event.eventId, event.openid, at);
    });
  }
}
