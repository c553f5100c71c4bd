import { classifyPresence } from '../../src/presence/presence.classifier';
import type { BodyObservation } from '../../src/detection/vision.types';
import { HANDS, handObservation } from '../support/hand-factory';

const face = (score: number) => ({ score, box: { x: 0, y: 0, width: 50, height: 50 } });
const bodyWith = (score: number, upper: number): BodyObservation => ({
  score,
  keypoints: Object.fromEntries(
    ['nose', 'leftEye', 'rightEye', 'leftEar', 'rightEar', 'leftShoulder', 'rightShoulder'].map((p, i) => [
      p,
      { x: 100 + i, y: 100, score: i < upper ? 0.8 : 0.1 },
    ]),
  ),
});

describe('classifyPresence', () => {
  it('sees nobody in an empty analysis', () => {
    expect(classifyPresence({ faces: [], body: null, hands: [] })).toEqual({
      present: false,
      reason: 'none',
    });
  });

  it("does not trust the face detector's low scores (statues, toys, animals)", () => {
    expect(classifyPresence({ faces: [face(0.6)], body: bodyWith(0.4, 1), hands: [] }).present).toBe(false);
  });

  it('sees a confident face', () => {
    expect(classifyPresence({ faces: [face(0.8)], body: null, hands: [] }).reason).toBe('face');
  });

  it('sees a confident body', () => {
    expect(classifyPresence({ faces: [], body: bodyWith(0.7, 0), hands: [] }).reason).toBe('body');
  });

  it('sees head and shoulders close to the mirror even when the legs are out of frame', () => {
    expect(classifyPresence({ faces: [], body: bodyWith(0.35, 5), hands: [] }).reason).toBe('upper-body');
  });

  it('sees a hand held up to the mirror', () => {
    expect(classifyPresence({ faces: [], body: null, hands: [handObservation(HANDS.openPalm)] }).reason).toBe(
      'hand',
    );
  });
});
