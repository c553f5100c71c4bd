import { randomBytes } from 'node:crypto';
import type { Clock } from '@mirror/wechat';

type TokenKind = 'classic' | 'stable';

interface IssuedToken {
  value: string;
  kind: TokenKind;
  expiresAt: number;
  /** When a newer token has replaced it: it stops working at this moment (the grace period). */
  retiresAt: number | null;
}

/** Why a token was refused, as WeChat's errcode; 0 means it is good. */
export type TokenVerdict = 0 | 40001 | 40014 | 41001 | 42001;

/** The app's access_tokens: a new one retires the previous after a grace period; each expires on its own. */
export class TokenRegistry {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly current: Record<TokenKind, IssuedToken | null> = { classic: null, stable: null };

  constructor(
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
    private graceMs: number,
  ) {}

  /** GET /cgi-bin/token: always a new token. */
  issueClassic(): { token: string; expiresIn: number } {
    return this.present(this.issue('classic', this.graceMs));
  }

  /** POST /cgi-bin/stable_token: the current one while valid, a new one when forced or expired. */
  issueStable(forceRefresh: boolean): { token: string; expiresIn: number } {
    const existing = this.current.stable;
    if (!forceRefresh && existing && existing.expiresAt > this.clock.now()) return this.present(existing);
    return this.present(this.issue('stable', this.graceMs));
  }

  /**
   * Someone else fetched a new token (another server, the admin console): every current token stops
   * working after `graceMs` (default: at once), and the new ones are known to nobody.
   */
  rotate(graceMs = 0): void {
    this.issue('classic', graceMs);
    if (this.current.stable) this.issue('stable', graceMs);
  }

  /** Makes every token expired (→ 42001). */
  expireAll(): void {
    const now = this.clock.now();
    for (const token of this.tokens.values()) token.expiresAt = Math.min(token.expiresAt, now);
  }

  /** Changes the grace period for tokens issued from now on. */
  setGrace(graceMs: number): void {
    this.graceMs = graceMs;
  }

  /** Checks a token presented to an API. */
  verify(value: string | null): TokenVerdict {
    if (!value) return 41001;
    if (!/^[A-Za-z0-9_-]{16,512}$/.test(value)) return 40014;
    const token = this.tokens.get(value);
    if (!token) return 40001;
    const now = this.clock.now();
    if (token.retiresAt !== null && now >= token.retiresAt) return 40001;
    if (now >= token.expiresAt) return 42001;
    return 0;
  }

  private issue(kind: TokenKind, graceMs: number): IssuedToken {
    const now = this.clock.now();
    const previous = this.current[kind];
    if (previous) previous.retiresAt = Math.min(previous.retiresAt ?? Infinity, now + graceMs);
    const token: IssuedToken = {
      value: randomBytes(96).toString('base64url'),
      kind,
      expiresAt: now + this.ttlSeconds * 1000,
      retiresAt: null,
    };
    this.tokens.set(token.value, token);
    this.current[kind] = token;
    this.prune(now);
    return token;
  }

  private present(token: IssuedToken): { token: string; expiresIn: number } {
    return {
      token: token.value,
      expiresIn: Math.max(1, Math.round((token.expiresAt - this.clock.now()) / 1000)),
    };
  }

  /** Forgets dead tokens (a forgotten token answers 40001, as a dead one does). */
  private prune(now: number): void {
    if (this.tokens.size < 1000) return;
    for (const [value, token] of this.tokens) {
      const dead = now >= token.expiresAt || (token.retiresAt !== null && now >= token.retiresAt);
      if (dead) this.tokens.delete(value);
    }
  }
}
