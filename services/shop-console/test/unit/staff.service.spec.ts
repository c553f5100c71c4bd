import { PasswordHasher } from '../../src/staff/password.hasher';
import type { StaffAccount, StaffRepository } from '../../src/staff/staff.repository';
import { StaffInputError, StaffService } from '../../src/staff/staff.service';

class InMemoryStaff {
  readonly accounts = new Map<string, StaffAccount>();
  async find(username: string) {
    return this.accounts.get(username) ?? null;
  }
  async upsert(a: StaffAccount) {
    this.accounts.set(a.username, a);
  }
}

describe(StaffService.name, () => {
  const repo = new InMemoryStaff();
  const sut = new StaffService(repo as unknown as StaffRepository, new PasswordHasher());

  it('stores an argon2id hash, never the password, and checks it', async () => {
    await sut.add({ username: 'mgr-a', password: 'a long enough one', role: 'manager', storeId: 'store-a' });
    const stored = repo.accounts.get('mgr-a')!;
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    expect(stored.passwordHash).not.toContain('a long enough one');
    await expect(sut.check('mgr-a', 'a long enough one')).resolves.toEqual({
      username: 'mgr-a',
      role: 'manager',
      storeId: 'store-a',
    });
    await expect(sut.check('mgr-a', 'a long enough 0ne')).resolves.toBeNull();
    await expect(sut.check('nobody', 'a long enough one')).resolves.toBeNull();
  });

  it.each([
    [{ username: 'x', role: 'operator' }, /username/],
    [{ username: 'mgr', role: 'manager' }, /needs --store/],
    [{ username: 'op', role: 'operator', storeId: 'store-a' }, /leave out --store/],
    [{ username: 'op', role: 'owner' }, /role must be/],
    [{ username: 'op', role: 'operator', password: 'short' }, /at least 10/],
    [{ username: 'mgr', role: 'manager', storeId: 'Store A' }, /store must match/],
  ])('refuses %j and changes nothing', async (input, message) => {
    const before = repo.accounts.size;
    await expect(
      sut.add({ password: 'a long enough one', ...input } as Parameters<StaffService['add']>[0]),
    ).rejects.toThrow(StaffInputError);
    await expect(
      sut.add({ password: 'a long enough one', ...input } as Parameters<StaffService['add']>[0]),
    ).rejects.toThrow(message);
    expect(repo.accounts.size).toBe(before);
  });
});
