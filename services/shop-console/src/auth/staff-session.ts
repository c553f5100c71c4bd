import type { StaffRole } from '../staff/staff.repository';

/** Who is signed in, as every request sees it. */
export interface StaffSession {
  username: string;
  role: StaffRole;
  /** A manager's one store; null: every store (operator). */
  storeId: string | null;
  /** The session's CSRF token: pages carry it, every change must send it back. */
  csrf: string;
}

export const SESSION_COOKIE = 'console_session';
export const LOGIN_CSRF_COOKIE = 'console_login_csrf';
