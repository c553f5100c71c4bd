import { candidates, planMoves, shareOf } from '../../src/partitions/partition-plan';

describe(shareOf.name, () => {
  it.each([
    [
      ['a', 'b', 'c'],
      [22, 21, 21],
    ],
    [
      ['a', 'b', 'c', 'd'],
      [16, 16, 16, 16],
    ],
    [
      ['a', 'b'],
      [32, 32],
    ],
    [['a'], [64]],
  ])('splits 64 partitions among %j as %j', (members, shares) => {
    expect(members.map((m) => shareOf(m, members, 64))).toEqual(shares);
  });

  it('gives every replica the same answer whatever order it saw the members in', () => {
    expect(shareOf('c', ['c', 'a', 'b'], 64)).toBe(shareOf('c', ['a', 'b', 'c'], 64));
    expect(shareOf('a', ['c', 'b', 'a', 'a'], 64)).toBe(22);
  });

  it('gives nothing to a replica that is not a member, and never more than one over the others', () => {
    expect(shareOf('x', ['a', 'b'], 64)).toBe(0);
    const members = Array.from({ length: 70 }, (_, i) => `r${i}`);
    const shares = members.map((m) => shareOf(m, members, 64));
    expect(shares.reduce((a, b) => a + b, 0)).toBe(64);
    expect(Math.max(...shares) - Math.min(...shares)).toBe(1);
  });
});

describe(planMoves.name, () => {
  it('hands over the highest partitions beyond the share, or takes up to it', () => {
    expect(planMoves(new Set([1, 5, 9, 3]), 2)).toEqual({ release: [9, 5], take: 0 });
    expect(planMoves(new Set([1]), 3)).toEqual({ release: [], take: 2 });
    expect(planMoves(new Set([1, 2]), 2)).toEqual({ release: [], take: 0 });
  });
});

describe(candidates.name, () => {
  it('lists every partition not held, once each', () => {
    const sut = candidates(new Set([0, 3]), 6, () => 0.5);
    expect([...sut].sort()).toEqual([1, 2, 4, 5]);
  });
});
