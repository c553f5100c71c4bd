import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ProductScanned, UserSubscribed, UserUnsubscribed } from '@mirror/contracts';
import { CustomerRepository } from './customer.repository';

/** Who follows the Official Account, and what else they scanned. */
@Injectable()
export class CustomerService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly customers: CustomerRepository,
  ) {}

  async subscribed(event: UserSubscribed): Promise<void> {
    await this.customers.touch(this.dataSource.manager, {
      openid: event.openid,
      at: new Date(event.at),
      subscribed: true,
      burst: true,
      interaction: true,
    });
  }

  /** Recorded; bindings and photos stay (the customer may follow again and find them). */
  async unsubscribed(event: UserUnsubscribed): Promise<void> {
    await this.customers.touch(this.dataSource.manager, {
      openid: event.openid,
      at: new Date(event.at),
      subscribed: false,
    });
  }

  async productScanned(event: ProductScanned): Promise<void> {
    const at = new Date(event.at);
    await this.dataSource.transaction(async (em) => {
      await this.customers.touch(em, { openid: event.openid, at, interaction: true });
      await this.customers.insertProductScan(em, {
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
