import type { Clock } from '@mirror/wechat';

/** A simulated WeChat user of the Official Account. */
export interface Customer {
  openid: string;
  subscribed: boolean;
  /** Last scan, follow or message: opens the customer-service window. */
  lastInteractionAt: number | null;
  /** Last scan or follow: starts a short window with a small message allowance. */
  burstStartedAt: number | null;
  burstSent: number;
}

/** Rules for customer-service messages. */
export interface CustomerServiceRules {
  /** How long after the last interaction messages may be sent (WeChat: 48 h). */
  windowMs: number;
  /** How many messages right after a scan or follow (WeChat: 3 within a minute). */
  burstLimit: number;
  burstWindowMs: number;
}

/** Customers and the windows in which the account may message them. */
export class CustomerRegistry {
  private readonly customers = new Map<string, Customer>();

  constructor(
    private readonly clock: Clock,
    private readonly rules: CustomerServiceRules,
  ) {}

  get(openid: string): Customer | null {
    return this.customers.get(openid) ?? null;
  }

  /** The customer, created on first sight (not following yet). */
  ensure(openid: string): Customer {
    let customer = this.customers.get(openid);
    if (!customer) {
      customer = { openid, subscribed: false, lastInteractionAt: null, burstStartedAt: null, burstSent: 0 };
      this.customers.set(openid, customer);
    }
    return customer;
  }

  /** A scan or a follow: opens the window and starts a fresh burst allowance. */
  scannedOrFollowed(openid: string): Customer {
    const customer = this.ensure(openid);
    const now = this.clock.now();
    customer.subscribed = true;
    customer.lastInteractionAt = now;
    customer.burstStartedAt = now;
    customer.burstSent = 0;
    return customer;
  }

  /** A message from the customer: reopens the window. */
  messaged(openid: string): Customer {
    const customer = this.ensure(openid);
    customer.lastInteractionAt = this.clock.now();
    return customer;
  }

  unsubscribed(openid: string): Customer {
    const customer = this.ensure(openid);
    customer.subscribed = false;
    return customer;
  }

  /** Checks and counts one customer-service message; returns WeChat's errcode (0 = allowed). */
  admitCustomerMessage(openid: string): 0 | 40003 | 43004 | 45015 | 45047 {
    const customer = this.customers.get(openid);
    if (!customer) return 40003;
    if (!customer.subscribed) return 43004;
    const now = this.clock.now();
    if (customer.lastInteractionAt === null || now - customer.lastInteractionAt > this.rules.windowMs)
      return 45015;
    const inBurst =
      customer.burstStartedAt !== null && now - customer.burstStartedAt < this.rules.burstWindowMs;
    if (inBurst) {
      if (customer.burstSent >= this.rules.burstLimit) return 45047;
      customer.burstSent += 1;
    }
    return 0;
  }

  /** The customer who interacted last (the one "holding the phone"). */
  mostRecent(): Customer | null {
    let latest: Customer | null = null;
    for (const customer of this.customers.values()) {
      if (
        customer.lastInteractionAt !== null &&
        (!latest || customer.lastInteractionAt >= (latest.lastInteractionAt ?? 0))
      ) {
        latest = customer;
      }
    }
    return latest;
  }

  all(): Customer[] {
    return [...this.customers.values()];
  }
}
