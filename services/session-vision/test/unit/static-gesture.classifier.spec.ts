import { classifyHand, isOnAnArm, isRaised } from '../../src/gestures/static-gesture.classifier';
import type { BodyObservation } from '../../src/detection/vision.types';
import { HANDS, handObservation } from '../support/hand-factory';

// A person standing 640x480-frame size: shoulders at y=200, hips at y=360, wrists near the given point.
function body(wrist: { x: number; y: number }): BodyObservation {
  const kp = (x: number, y: number) => ({ x, y, score: 0.9 });
  return {
    score: 0.9,
    keypoints: {
      leftShoulder: kp(380, 200),
      rightShoulder: kp(260, 200),
      leftHip: kp(360, 360),
      rightHip: kp(280, 360),
      leftWrist: kp(wrist.x, wrist.y),
      rightWrist: kp(250, 380),
    },
  };
}

describe('classifyHand', () => {
  it.each([
    ['openPalm', 'open_palm'],
    ['four', 'open_palm'],
    ['fist', 'fist'],
    ['victory', 'victory'],
    ['pointingUp', 'pointing_up'],
    ['thumbsUp', 'thumbs_up'],
  ] as const)('recognises %s as %s', (hand, expected) => {
    const sut = classifyHand(handObservation(HANDS[hand]), null);
    expect(sut.gesture).toBe(expected);
    expect(sut.confidence).toBeGreaterThan(0.5);
  });

  it.each(['thumbsDown', 'rock', 'call'] as const)('fires nothing for %s (not a mirror command)', (hand) => {
    expect(classifyHand(handObservation(HANDS[hand]), null).gesture).toBeNull();
  });

  it.each([-25, 25])('still recognises an open palm tilted %i degrees', (rotation) => {
    expect(classifyHand(handObservation({ ...HANDS.openPalm, rotation }), null).gesture).toBe('open_palm');
  });

  it('fires nothing for an open hand hanging down', () => {
    expect(classifyHand(handObservation({ ...HANDS.openPalm, rotation: 180 }), null).gesture).toBeNull();
  });

  it('fires nothing for a fist held sideways (a thumbs-up or down whose thumb was missed)', () => {
    expect(classifyHand(handObservation({ ...HANDS.fist, rotation: 90 }), null).gesture).toBeNull();
  });

  it('fires nothing for a pose held below the waist', () => {
    const hand = handObservation({ ...HANDS.victory, center: { x: 400, y: 400 } });
    const sut = classifyHand(hand, body({ x: 400, y: 440 }));
    expect(sut.candidate).toBe('victory');
    expect(sut.gesture).toBeNull();
  });

  it('fires for the same pose raised to the chest', () => {
    const hand = handObservation({ ...HANDS.victory, center: { x: 400, y: 220 } });
    expect(classifyHand(hand, body({ x: 400, y: 260 })).gesture).toBe('victory');
  });

  it('fires nothing for a "hand" far from both wrists (a face or clutter)', () => {
    const hand = handObservation({ ...HANDS.fist, center: { x: 320, y: 120 }, scale: 20 });
    expect(classifyHand(hand, body({ x: 420, y: 380 })).gesture).toBeNull();
  });
});

describe('isRaised', () => {
  it('holds without a body to compare with', () => {
    expect(isRaised(handObservation(HANDS.fist), null)).toBe(true);
  });
});

describe('isOnAnArm', () => {
  it('accepts a hand next to a wrist', () => {
    const hand = handObservation({ ...HANDS.fist, center: { x: 400, y: 220 } });
    expect(isOnAnArm(hand, body({ x: 400, y: 250 }))).toBe(true);
  });
});
