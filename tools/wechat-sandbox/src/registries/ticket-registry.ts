import { randomBytes } from 'node:crypto';
import type { Clock } from '@mirror/wechat';

/** A QR code the sandbox created. */
export interface TicketRecord {
  ticket: string;
  url: string;
  kind: 'QR_SCENE' | 'QR_STR_SCENE' | 'QR_LIMIT_SCENE' | 'QR_LIMIT_STR_SCENE';
  /** The scene as it appears in EventKey (a scene_id in decimal, or the scene_str). */
  scene: string;
  createdAt: number;
  /** Null for permanent codes. */
  expiresAt: number | null;
}

/** QR tickets by ticket and by URL. */
export class TicketRegistry {
  private readonly byTicket = new Map<string, TicketRecord>();
  private readonly byUrl = new Map<string, TicketRecord>();

  constructor(private readonly clock: Clock) {}

  /** Creates a ticket; real tickets are Base64 with `+`, `/` and `=`, so these always contain all three. */
  create(kind: TicketRecord['kind'], scene: string, expireSeconds: number | null): TicketRecord {
    const now = this.clock.now();
    const ticket = `gQ${randomBytes(45).toString('base64')}+/${randomBytes(4).toString('base64')}`;
    const url = `http://weixin.qq.com/q/02${randomBytes(15).toString('base64url')}`;
    const record: TicketRecord = {
      ticket,
      url,
      kind,
      scene,
      createdAt: now,
      expiresAt: expireSeconds === null ? null : now + expireSeconds * 1000,
    };
    this.byTicket.set(ticket, record);
    this.byUrl.set(url, record);
    return record;
  }

  /** A live ticket by its value or by its URL; null when unknown or expired. */
  find(ticketOrUrl: string): TicketRecord | null {
    const record = this.byTicket.get(ticketOrUrl) ?? this.byUrl.get(ticketOrUrl) ?? null;
    return record && this.isLive(record) ? record : null;
  }

  /** True when the ticket exists (live or expired). */
  exists(ticketOrUrl: string): boolean {
    return this.byTicket.has(ticketOrUrl) || this.byUrl.has(ticketOrUrl);
  }

  all(): TicketRecord[] {
    return [...this.byTicket.values()];
  }

  private isLive(record: TicketRecord): boolean {
    return record.expiresAt === null || this.clock.now() < record.expiresAt;
  }
}
