import { settleWithin, sleep, withTimeout } from '@mirror/async';

class Late extends Error {}

describe(withTimeout.name, () => {
  it('settles like the promise when it is in time', async () => {
    await expect(withTimeout(Promise.resolve(7), 1000, { reject: () => new Late() })).resolves.toBe(7);
    await expect(
      withTimeout(Promise.reject(new RangeError('no')), 1000, { reject: () => new Late() }),
    ).rejects.toBeInstanceOf(RangeError);
  });

  it('rejects with the given error when time runs out', async () => {
    await expect(withTimeout(sleep(200), 10, { reject: () => new Late('late') })).rejects.toBeInstanceOf(
      Late,
    );
  });

  it('resolves with the fallback value when asked to', async () => {
    await expect(
      withTimeout(
        sleep(200).then(() => 'slow'),
        10,
        { resolve: () => 'fallback' },
      ),
    ).resolves.toBe('fallback');
  });
});

describe(settleWithin.name, () => {
  it('says whether the promise settled in time, rejection included', async () => {
    await expect(settleWithin(Promise.reject(new Error('x')), 100)).resolves.toBe(true);
    await expect(settleWithin(sleep(200), 10)).resolves.toBe(false);
  });
});
