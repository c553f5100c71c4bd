import { addToHistogram, histogramCount, percentile, type Histogram } from '../../src/stats/histogram';

const of = (...values: number[]): Histogram => {
  const h: Histogram = new Map();
  for (const v of values) addToHistogram(h, v, 1);
  return h;
};

describe('statistics percentiles (nearest rank over buckets)', () => {
  it('has none for no observations', () => {
    expect(percentile(new Map(), 0.5)).toBeNull();
    expect(histogramCount(new Map())).toBe(0);
  });

  it('takes the ⌈p·N⌉-th smallest observation', () => {
    const h = of(30, 5, 12);
    expect(percentile(h, 0.5)).toBe(12);
    expect(percentile(h, 0.9)).toBe(30);
    expect(percentile(of(45, 300), 0.5)).toBe(45);
    expect(percentile(of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 0.9)).toBe(9);
    expect(percentile(of(7), 0.01)).toBe(7);
  });

  it('counts a bucket as many times as it holds observations', () => {
    const h: Histogram = new Map();
    addToHistogram(h, 10, 8);
    addToHistogram(h, 60, 2);
    addToHistogram(h, 10, 1);
    expect(histogramCount(h)).toBe(11);
    expect(percentile(h, 0.8)).toBe(10);
    expect(percentile(h, 0.9)).toBe(60);
  });
});
