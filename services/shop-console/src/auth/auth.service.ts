import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, MetricsService } from '@mirror/platform';
import { StaffService } from '../staff/staff.service';
import { AUTH_SETTINGS, type AuthSettings } from './auth.settings';
import { LoginLimiterRepository } from './login-limiter.repository';
import { SessionRepository } from './session.repository';
import type { StaffSession } from './staff-session';

export type SignIn =
  | { ok: true; token: string; session: StaffSession }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'limited'; retryAfterSeconds: number };

/** Signing staff in and out: passwords, sessions, the limit on failed attempts. */
@Injectable()
export class AuthService {
  constructor(
    private readonly staff: StaffService,
    private readonly sessions: SessionRepository,
    private readonly limiter: LoginLimiterRepository,
    private readonly metrics: MetricsService,
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Checks a password unless the account or the client address already failed CONSOLE_LOGIN_MAX_FAILURES
   * times in the window; a success clears the account's count and opens a session with its own CSRF token.
   */
  async signIn(username: string, password: string, clientAddress: string): Promise<SignIn> {
    const keys = [`user:${username.slice(0, 64)}`, `ip:${clientAddress}`];
    const counted = this.metrics.counter('console_sign_ins_total', 'Staff sign-in attempts by outcome', [
      'outcome',
    ]);
    const failures = await this.limiter.failures(keys);
    if (failures.some((n) => n >= this.settings.maxFailures)) {
      counted.inc({ outcome: 'limited' });
      this.logger.warn({ username, clientAddress }, 'sign-in refused: too many failures');
      return { ok: false, reason: 'limited', retryAfterSeconds: await this.limiter.retryAfter(keys) };
    }
    const account = await this.staff.check(username, password);
    if (!account) {
      await this.limiter.fail(keys, this.settings.windowSeconds);
      counted.inc({ outcome: 'invalid' });
      this.logger.warn({ username, clientAddress }, 'sign-in failed');
      return { ok: false, reason: 'invalid' };
    }
    await this.limiter.clear(keys[0]);
    const token = randomBytes(32).toString('base64url');
    const session: StaffSession = { ...account, csrf: randomBytes(24).toString('base64url') };
    await this.sessions.save(token, session, this.settings.sessionIdleSeconds);
    counted.inc({ outcome: 'ok' });
    this.logger.info({ username, role: account.role, storeId: account.storeId }, 'staff signed in');
    return { ok: true, token, session };
  }

  current(token: string | undefined): Promise<StaffSession | null> {
    if (!token || token.length > 100) return Promise.resolve(null);
    return this.sessions.touch(token, this.settings.sessionIdleSeconds);
  }

  async signOut(token: string | undefined): Promise<void> {
    if (token) await this.sessions.remove(token);
  }
}
