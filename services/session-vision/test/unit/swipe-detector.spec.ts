import { DEFAULT_SWIPE_SETTINGS, type Track, trackSwipe } from '../../src/gestures/swipe-detector';

function sweep(xs: (number | null)[], step = 100, ys?: number[]) {
  let track: Track = [];
  const swipes: string[] = [];
  xs.forEach((x, i) => {
    const at = i * step;
    const r = trackSwipe(track, x === null ? null : { x, y: ys?.[i] ?? 0.4, at }, at, DEFAULT_SWIPE_SETTINGS);
    track = r.track;
    if (r.swipe) swipes.push(`${r.swipe.gesture}@${i}`);
  });
  return swipes;
}

describe('trackSwipe', () => {
  it('sees a hand sweeping towards x = 0 as swipe_left', () => {
    expect(sweep([0.8, 0.7, 0.6, 0.5, 0.4])).toEqual(['swipe_left@3']);
  });

  it('sees a hand sweeping towards x = 1 as swipe_right, and starts a new track after it', () => {
    // The second one, 400 ms later, is held off by the gesture gate's refractory period.
    expect(sweep([0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])).toEqual(['swipe_right@3', 'swipe_right@7']);
  });

  it('ignores a hand moving too slowly', () => {
    expect(sweep([0.2, 0.25, 0.3, 0.35, 0.4, 0.45], 300)).toEqual([]);
  });

  it('ignores a mostly vertical movement', () => {
    expect(sweep([0.5, 0.55, 0.6, 0.65, 0.7], 100, [0.1, 0.3, 0.5, 0.7, 0.9])).toEqual([]);
  });

  it('ignores a hand that goes back and forth', () => {
    expect(sweep([0.5, 0.3, 0.5, 0.3, 0.5, 0.3])).toEqual([]);
  });

  it('needs three sightings of the hand', () => {
    expect(sweep([0.8, null, null, 0.3])).toEqual([]);
  });
});
