import { randomBytes } from 'node:crypto';
import type { Clock } from '@mirror/wechat';

interface Code {
  openid: string;
  scope: string;
  expiresAt: number;
  used: boolean;
}

interface UserGrant {
  openid: string;
  scope: string;
  expiresAt: number;
}

/** OAuth codes (single use, short-lived) and the user access tokens they are exchanged for. */
export class OAuthRegistry {
  private readonly codes = new Map<string, Code>();
  private readonly grants = new Map<string, UserGrant>();

  constructor(
    private readonly clock: Clock,
    private readonly codeTtlMs: number,
  ) {}

  /** Issues a code for a consenting user. */
  issueCode(openid: string, scope: string): string {
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { openid, scope, expiresAt: this.clock.now() + this.codeTtlMs, used: false });
    return code;
  }

  /** Exchanges a code: 40029 unknown or expired, 40163 already used. */
  redeem(
    code: string,
  ): { errcode: 40029 | 40163 } | { grant: UserGrant & { accessToken: string; refreshToken: string } } {
    const entry = this.codes.get(code);
    if (!entry || this.clock.now() >= entry.expiresAt) return { errcode: 40029 };
    if (entry.used) return { errcode: 40163 };
    entry.used = true;
    const accessToken = randomBytes(48).toString('base64url');
    const grant = { openid: entry.openid, scope: entry.scope, expiresAt: this.clock.now() + 7200_000 };
    this.grants.set(accessToken, grant);
    return { grant: { ...grant, accessToken, refreshToken: randomBytes(48).toString('base64url') } };
  }

  /** A user access token: the grant, or 40001 unknown / 42001 expired. */
  grant(accessToken: string): UserGrant | 40001 | 42001 {
    const grant = this.grants.get(accessToken);
    if (!grant) return 40001;
    if (this.clock.now() >= grant.expiresAt) return 42001;
    return grant;
  }
}
