import {
  DEFAULT_GATE_SETTINGS,
  type FrameGesture,
  type GateState,
  gate,
  initialGate,
} from '../../src/gestures/gesture-gate';

const pose = (gesture: FrameGesture['gesture'], x = 0.5): FrameGesture => ({
  gesture,
  confidence: 0.9,
  x,
  y: 0.4,
});

function run(frames: FrameGesture[], step = 100, start: GateState = initialGate()) {
  let state = start;
  const fired: string[] = [];
  frames.forEach((f, i) => {
    const r = gate(state, f, null, i * step, DEFAULT_GATE_SETTINGS);
    state = r.state;
    if (r.fired) fired.push(`${r.fired.gesture}@${i}`);
  });
  return { state, fired };
}

describe('gesture gate', () => {
  it('fires a pose held for 3 frames, on the third', () => {
    expect(run([pose('thumbs_up'), pose('thumbs_up'), pose('thumbs_up')]).fired).toEqual(['thumbs_up@2']);
  });

  it('does not fire a pose seen for 2 frames', () => {
    expect(run([pose('fist'), pose('fist'), pose(null), pose('fist')]).fired).toEqual([]);
  });

  it('fires once per hold, however long it is held', () => {
    expect(run(Array.from({ length: 30 }, () => pose('victory'))).fired).toEqual(['victory@2']);
  });

  it('does not fire again within the refractory period after a release', () => {
    const frames = [...Array(3).fill(pose('fist')), pose(null), ...Array(3).fill(pose('fist'))];
    expect(run(frames).fired).toEqual(['fist@2']);
  });

  it('fires again after the refractory period', () => {
    const frames = [
      ...Array(3).fill(pose('fist')),
      ...Array(15).fill(pose(null)),
      ...Array(3).fill(pose('fist')),
    ];
    expect(run(frames).fired).toEqual(['fist@2', 'fist@20']);
  });

  it('does not count a moving hand as held', () => {
    expect(run([pose('open_palm', 0.2), pose('open_palm', 0.4), pose('open_palm', 0.6)]).fired).toEqual([]);
  });

  it('fires a swipe at once and then holds off poses', () => {
    let state = initialGate();
    const swipe = gate(
      state,
      pose(null),
      { gesture: 'swipe_left', confidence: 0.8 },
      0,
      DEFAULT_GATE_SETTINGS,
    );
    expect(swipe.fired?.gesture).toBe('swipe_left');
    state = swipe.state;
    const after = run(Array(5).fill(pose('open_palm')), 100, state);
    expect(after.fired).toEqual([]);
  });
});
