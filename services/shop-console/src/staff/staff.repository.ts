import { Injectable } from '@nestjs/common';
import { ConsoleDatabase } from './console-database';

export type StaffRole = 'operator' | 'manager';

export interface StaffAccount {
  username: string;
  passwordHash: string;
  role: StaffRole;
  /** A manager's store; null for an operator (all stores). */
  storeId: string | null;
}

/** Staff accounts in Postgres (console_staff). */
@Injectable()
export class StaffRepository {
  constructor(private readonly db: ConsoleDatabase) {}

  async find(username: string): Promise<StaffAccount | null> {
    const [row] = await this.db.rows<StaffAccount>(
      `SELECT username, password_hash AS "passwordHash", role, store_id AS "storeId" FROM console_staff WHERE username = $1`,
      [username],
    );
    return row ?? null;
  }

  /** Creates the account, or replaces its password, role and store. */
  async upsert(account: StaffAccount): Promise<void> {
    await this.db.rows(
      `INSERT INTO console_staff (username, password_hash, role, store_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role,
         store_id = EXCLUDED.store_id, updated_at = now()`,
      [account.username, account.passwordHash, account.role, account.storeId],
    );
  }

  async remove(username: string): Promise<boolean> {
    return (
      (await this.db.rows(`DELETE FROM console_staff WHERE username = $1 RETURNING username`, [username]))
        .length > 0
    );
  }

  list(): Promise<Omit<StaffAccount, 'passwordHash'>[]> {
    return this.db.rows(`SELECT username, role, store_id AS "storeId" FROM console_staff ORDER BY username`);
  }
}
