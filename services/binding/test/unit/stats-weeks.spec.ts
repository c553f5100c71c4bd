import { fullWeeks, mondayOf } from '../../src/stats/weeks';

describe(mondayOf.name, () => {
  it.each([
    ['2026-11-29', '2026-11-23'], // a Sunday belongs to the week that began the Monday before
    ['2026-11-30', '2026-11-30'],
    ['2026-12-02', '2026-11-30'],
    ['2026-01-01', '2025-12-29'], // across a year
    ['2024-03-03', '2024-02-26'], // across a leap day
  ])('puts %s in the week of Monday %s', (day, monday) => {
    expect(mondayOf(day)).toBe(monday);
  });
});

describe(fullWeeks.name, () => {
  it('finds the whole weeks inside a range, or none', () => {
    expect(fullWeeks('2026-10-31', '2026-11-29')).toEqual({ from: '2026-11-02', to: '2026-11-30' });
    expect(fullWeeks('2026-11-02', '2026-11-18')).toEqual({ from: '2026-11-02', to: '2026-11-16' });
    const none = fullWeeks('2026-11-03', '2026-11-08');
    expect(none.from >= none.to).toBe(true);
  });
});
