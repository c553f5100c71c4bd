import { ManualClock } from '@mirror/platform';
import type { MirrorStateRepository } from '../../src/sessions/mirror-state.repository';
import { MirrorOwnership } from '../../src/sessions/mirror.ownership';
import type { SessionService } from '../../src/sessions/session.service';
import type { SessionsSettings } from '../../src/sessions/sessions.settings';

function setup(leases: boolean[]) {
  const clock = new ManualClock();
  const acquire = jest.fn(async () => leases.shift() ?? false);
  const repository = { acquire, release: jest.fn(async () => undefined) };
  const sessions = { resume: jest.fn(async () => undefined), forget: jest.fn() };
  const sut = new MirrorOwnership(
    repository as unknown as MirrorStateRepository,
    sessions as unknown as SessionService,
    clock,
    { leaseMs: 3000 } as SessionsSettings,
  );
  return { sut, clock, acquire, sessions };
}

describe(MirrorOwnership.name, () => {
  it('takes a mirror over once, resuming its session, and renews the lease every third of its length', async () => {
    const { sut, clock, acquire, sessions } = setup([true, true]);
    expect(await sut.ensureOwner('m1')).toBe('owned');
    clock.advance(999);
    expect(await sut.ensureOwner('m1')).toBe('owned');
    expect(acquire).toHaveBeenCalledTimes(1);
    clock.advance(1);
    expect(await sut.ensureOwner('m1')).toBe('owned');
    expect(acquire).toHaveBeenCalledTimes(2);
    expect(sessions.resume.mock.calls).toEqual([['m1']]);
  });

  it('reports a mirror lost to another replica once, forgets its session, and asks again at once', async () => {
    const { sut, clock, acquire, sessions } = setup([true, false, false]);
    await sut.ensureOwner('m1');
    clock.advance(1000);
    expect(await sut.ensureOwner('m1')).toBe('lost');
    expect(sessions.forget).toHaveBeenCalledWith('m1');
    expect(await sut.ensureOwner('m1')).toBe('not-owner');
    expect(acquire).toHaveBeenCalledTimes(3);
  });

  it('does not count a mirror as taken until its session was resumed', async () => {
    const { sut, clock, sessions } = setup([true, true]);
    sessions.resume.mockRejectedValueOnce(new Error('redis away'));
    await expect(sut.ensureOwner('m1')).rejects.toThrow('redis away');
    expect(await sut.ensureOwner('m1')).toBe('not-owner');
    clock.advance(1000);
    expect(await sut.ensureOwner('m1')).toBe('owned');
    expect(sessions.resume).toHaveBeenCalledTimes(2);
  });
});
