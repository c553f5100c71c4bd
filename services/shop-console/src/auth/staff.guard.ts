import { timingSafeEqual } from 'node:crypto';
import {
  ArgumentsHost,
  Catch,
  ForbiddenException,
  Injectable,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuthService } from './auth.service';
import { SESSION_COOKIE, type StaffSession } from './staff-session';

/** A request without a valid staff session. */
export class SignInRequired extends Error {
  override name = 'SignInRequired';
}

/** Reads one cookie of the request. */
export function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The signed-in staff member of a request the guard let through. */
export function staffOf(req: Request): StaffSession {
  return (req as Request & { staff: StaffSession }).staff;
}

/**
 * Every console route but sign-in: a live session, and for anything that changes something (POST, PUT,
 * DELETE) the session's CSRF token in `x-csrf-token` or the form field `_csrf`.
 */
@Injectable()
export class StaffGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const session = await this.auth.current(cookieOf(req, SESSION_COOKIE));
    if (!session) throw new SignInRequired();
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
      const sent = req.header('x-csrf-token') ?? (req.body as { _csrf?: unknown } | undefined)?._csrf;
      if (typeof sent !== 'string' || !same(sent, session.csrf)) {
        throw new ForbiddenException('missing or wrong CSRF token: reload the page');
      }
    }
    (req as Request & { staff: StaffSession }).staff = session;
    return true;
  }
}

/** Pages send the browser to the sign-in page; the JSON API answers 401. */
@Catch(SignInRequired)
export class SignInRequiredFilter implements ExceptionFilter {
  catch(_e: SignInRequired, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (req.path.startsWith('/api/')) {
      res.status(401).json({ error: 'not signed in' });
    } else {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    }
  }
}
