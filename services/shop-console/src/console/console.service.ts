import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import {
  ContractViolationError,
  STATS_MAX_RANGE_DAYS,
  isValidMirrorId,
  type StatsGrouping,
} from '@mirror/contracts';
import { Clock } from '@mirror/platform';
import { Scope } from '../auth/scope';
import type { StaffSession } from '../auth/staff-session';
import { BindingClient } from './binding.client';
import { dayParam, shanghaiDay } from './days';
import { MirrorsService } from './mirrors.service';

export interface StatsQuery {
  from?: unknown;
  to?: unknown;
  store?: unknown;
  mirror?: unknown;
  by?: unknown;
}

const GROUPINGS: StatsGrouping[] = ['day', 'mirror', 'store'];

/** What the pages and the API show, always within the staff member's scope. */
@Injectable()
export class ConsoleService {
  constructor(
    private readonly binding: BindingClient,
    private readonly mirrors: MirrorsService,
    private readonly scope: Scope,
    private readonly clock: Clock,
  ) {}

  today(): string {
    return shanghaiDay(this.clock.now());
  }

  mirrorList(staff: StaffSession, store?: string) {
    return this.mirrors.list(this.scope.stores(staff, store));
  }

  /** One mirror of the staff member's stores; another store's is refused (and recorded), an unknown one 404. */
  async mirror(staff: StaffSession, mirrorId: string) {
    if (!isValidMirrorId(mirrorId)) throw new NotFoundException('no such mirror');
    const { mirrors } = await this.mirrors.list(this.scope.stores(staff), mirrorId);
    if (mirrors.length === 0) {
      if (staff.role === 'manager') this.scope.refuse(staff, 'mirror', mirrorId);
      throw new NotFoundException('no such mirror');
    }
    const today = this.today();
    const stats = await this.binding.stats({
      from: today,
      to: today,
      storeIds: this.scope.stores(staff),
      mirrorId,
      by: [],
    });
    return { mirror: mirrors[0], today: stats };
  }

  /** Statistics for the query's range (default: the last 7 days), store and mirror, within scope. */
  async stats(staff: StaffSession, q: StatsQuery, defaultBy: StatsGrouping[] = ['day']) {
    const to = dayParam(q.to, this.today());
    const from = dayParam(q.from, shanghaiDay(Date.parse(`${to}T00:00:00Z`) - 8 * 3600_000, 6));
    const store = typeof q.store === 'string' && q.store ? q.store : undefined;
    const mirrorId = typeof q.mirror === 'string' && q.mirror ? q.mirror : undefined;
    const by =
      typeof q.by === 'string'
        ? q.by.split(',').filter((g): g is StatsGrouping => (GROUPINGS as string[]).includes(g))
        : defaultBy;
    if (from > to) throw new BadRequestException('from must not be after to');
    if ((Date.parse(to) - Date.parse(from)) / 86400_000 >= STATS_MAX_RANGE_DAYS)
      throw new BadRequestException(`at most ${STATS_MAX_RANGE_DAYS} days`);
    const storeIds = this.scope.stores(staff, store);
    try {
      return { from, to, store, stats: await this.binding.stats({ from, to, storeIds, mirrorId, by }) };
    } catch (e) {
      if (e instanceof ContractViolationError) throw new BadRequestException(e.message);
      throw e;
    }
  }
}
