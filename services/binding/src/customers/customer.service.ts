import { Injectable } from '@nestjs/common';
import type { ProductScanned, UserSubscribed, UserUnsubscribed } from '@mirror/contracts';
import { UnitOfWork } from '../database/unit-of-work';
import { CustomerRepository } from './customer.repository';

/** Who follows the Official Account, and what else they scanned. */
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

  /** Recorded; bindings and photos stay (the customer may follow again and find them). */
  async unsubscribed(event: UserUnsubscribed): Promise<void> {
    await this.customers.touch({ openid: event.openid, at: new Date(event.at), subscribed: false });
  }

  /** A product code scanned with WeChat, for statistics; the user is reachable for 48 h. */
  async productScanned(event: ProductScanned): Promise<void> {
    const at = new Date(event.at);
    await this.uow.transaction(async () => {
      await this.customers.touch({ openid: event.openid, at, interaction: true });
      await this.customers.insertProductScan({
        eventId: event.eventId,
        openid: event.openid,
        event: event.event.slice(0, 64),
        keyStandard: event.keyStandard,
        keyStr: event.keyStr,
        extInfo: event.extInfo ?? null,
        at,
      });
    });
  }
}
