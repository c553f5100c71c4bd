import { BadRequestException, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, MetricsService } from '@mirror/platform';
import type { StaffSession } from './staff-session';

const STORE_ID = /^[a-z0-9-]{1,64}$/;

/**
 * What a staff member may see: an operator every store, a manager their own store only. Every query the
 * console makes of binding goes through here, for pages and the API alike; asking for another store is
 * refused, logged and counted (console_scope_refusals_total).
 */
@Injectable()
export class Scope {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The stores to ask binding about: `requested` if allowed (all when omitted, for an operator). */
  stores(staff: StaffSession, requested?: string): string[] | undefined {
    if (requested !== undefined && !STORE_ID.test(requested)) {
      throw new BadRequestException('store must match [a-z0-9-]{1,64}');
    }
    if (staff.role === 'operator') return requested ? [requested] : undefined;
    if (requested && requested !== staff.storeId) this.refuse(staff, 'store', requested);
    return [staff.storeId!];
  }

  /** Refuses (403) and records an attempt to reach what is not the staff member's. */
  refuse(staff: StaffSession, kind: 'store' | 'mirror' | 'fleet', target: string): never {
    this.metrics
      .counter(
        'console_scope_refusals_total',
        "Console requests refused for reaching outside the staff member's stores",
        ['kind'],
      )
      .inc({ kind });
    this.logger.warn(
      { username: staff.username, storeId: staff.storeId, kind, target },
      "console: outside the staff member's scope",
    );
    throw new ForbiddenException('not yours to see');
  }
}
