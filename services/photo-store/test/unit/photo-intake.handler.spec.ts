import { termTakesReason } from '../../src/photos/photo-intake.handler';

describe('termTakesReason', () => {
  it.each([
    ['2.9.10', false],
    ['2.9.25', false],
    ['2.10.0', true],
    ['2.11.9', true],
    ['3.0.0', true],
    [undefined, false],
  ])('nats-server %s: %s', (version, expected) => {
    expect(termTakesReason(version)).toBe(expected);
  });
});
