import { Injectable } from '@nestjs/common';
import { PasswordHasher } from './password.hasher';
import { StaffRepository, type StaffRole } from './staff.repository';

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;
const STORE = /^[a-z0-9-]{1,64}$/;
export const MIN_PASSWORD_LENGTH = 10;

/** A staff account command that cannot be carried out as given; nothing was changed. */
export class StaffInputError extends Error {
  override name = 'StaffInputError';
}

/** Staff accounts: the rules for creating them (the console command) and for checking a password. */
@Injectable()
export class StaffService {
  constructor(
    private readonly staff: StaffRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  /** Creates (or resets) an account: an operator sees every store, a manager only `storeId`. */
  async add(input: { username: string; password: string; role: StaffRole; storeId?: string }): Promise<void> {
    if (!USERNAME.test(input.username))
      throw new StaffInputError('username must be 2-64 of a-z 0-9 . _ - (starting with a letter or digit)');
    if (input.role !== 'operator' && input.role !== 'manager')
      throw new StaffInputError('role must be operator or manager');
    if (input.role === 'manager' && !input.storeId)
      throw new StaffInputError('a manager needs --store <storeId>');
    if (input.role === 'operator' && input.storeId)
      throw new StaffInputError('an operator sees every store: leave out --store');
    if (input.storeId && !STORE.test(input.storeId))
      throw new StaffInputError('store must match [a-z0-9-]{1,64}');
    if (input.password.length < MIN_PASSWORD_LENGTH)
      throw new StaffInputError(`the password needs at least ${MIN_PASSWORD_LENGTH} characters`);
    await this.staff.upsert({
      username: input.username,
      passwordHash: await this.hasher.hash(input.password),
      role: input.role,
      storeId: input.storeId ?? null,
    });
  }

  /** The account if the password is right, else null (an unknown name takes as long as a wrong password). */
  async check(username: string, password: string) {
    const account = USERNAME.test(username) ? await this.staff.find(username) : null;
    const ok = await this.hasher.verify(account?.passwordHash ?? null, password);
    return ok && account
      ? { username: account.username, role: account.role, storeId: account.storeId }
      : null;
  }

  remove(username: string): Promise<boolean> {
    return this.staff.remove(username);
  }

  list() {
    return this.staff.list();
  }
}
