import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Body, Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { renderLogin } from '../console/pages';
import { AuthService } from './auth.service';
import { AUTH_SETTINGS, type AuthSettings } from './auth.settings';
import { cookieOf } from './staff.guard';
import { LOGIN_CSRF_COOKIE, SESSION_COOKIE } from './staff-session';

/** Only local paths: `next` must not send a signed-in member elsewhere. */
const safeNext = (next: unknown) =>
  typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')
    ? next
    : '/';

/** Sign-in (a double-submit CSRF cookie guards the form) and sign-out. */
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
  ) {}

  private cookie(res: Response, name: string, value: string, maxAgeSeconds: number): void {
    res.cookie(name, value, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.settings.cookieSecure,
      path: '/',
      maxAge: maxAgeSeconds * 1000,
    });
  }

  @Get('login')
  page(@Query('next') next: string | undefined, @Res() res: Response): void {
    const csrf = randomBytes(24).toString('base64url');
    this.cookie(res, LOGIN_CSRF_COOKIE, csrf, 3600);
    res.type('html').send(renderLogin({ csrf, next: safeNext(next) }));
  }

  @Post('login')
  async signIn(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: { username?: unknown; password?: unknown; _csrf?: unknown; next?: unknown },
  ): Promise<void> {
    const csrf = randomBytes(24).toString('base64url');
    const again = (status: number, error: string) => {
      this.cookie(res, LOGIN_CSRF_COOKIE, csrf, 3600);
      res
        .status(status)
        .type('html')
        .send(renderLogin({ csrf, next: safeNext(body.next), error }));
    };
    const expected = cookieOf(req, LOGIN_CSRF_COOKIE) ?? '';
    const sent = typeof body._csrf === 'string' ? body._csrf : '';
    if (
      !expected ||
      expected.length !== sent.length ||
      !timingSafeEqual(Buffer.from(expected), Buffer.from(sent))
    ) {
      return again(403, '页面已过期，请重新登录');
    }
    const username = typeof body.username === 'string' ? body.username.trim().toLowerCase() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    if (!username || !password || password.length > 1024) return again(400, '请输入用户名和密码');
    const result = await this.auth.signIn(
      username,
      password,
      req.ip ?? req.socket.remoteAddress ?? 'unknown',
    );
    if (!result.ok && result.reason === 'limited') {
      res.setHeader('Retry-After', String(result.retryAfterSeconds));
      return again(429, `尝试次数过多，请 ${Math.ceil(result.retryAfterSeconds / 60)} 分钟后再试`);
    }
    if (!result.ok) return again(401, '用户名或密码错误');
    res.clearCookie(LOGIN_CSRF_COOKIE, { path: '/' });
    this.cookie(res, SESSION_COOKIE, result.token, this.settings.sessionIdleSeconds);
    res.redirect(303, safeNext(body.next));
  }

  @Post('logout')
  async signOut(@Req() req: Request, @Res() res: Response): Promise<void> {
    // no CSRF check needed: signing someone out is harmless, and SameSite=Strict keeps other sites out anyway
    await this.auth.signOut(cookieOf(req, SESSION_COOKIE));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/login');
  }
}
