import {
  classifyHand,
  type StaticGesture,
} from '@mirror/svc-session-vision/src/gestures/static-gesture.classifier';
import { classifyPresence } from '@mirror/svc-session-vision/src/presence/presence.classifier';
import type { LabelledPhoto } from './fixtures';
import type { PhotoAnalyses } from './analyse-photos';

/** The command each label should fire; labels not listed must fire nothing. */
export const EXPECTED: Record<string, StaticGesture> = {
  thumb_up: 'thumbs_up',
  victory: 'victory',
  pointing_up: 'pointing_up',
  fist: 'fist',
  open_palm: 'open_palm',
  four: 'open_palm',
};
/** The frames the issue names for the false-command rate. */
export const NON_COMMAND_CORE = ['person', 'call', 'rock', 'empty'];

export interface PhotoOutcome {
  photo: LabelledPhoto;
  expected: StaticGesture | null;
  fired: StaticGesture | null;
  presentIdle: boolean;
  presentSession: boolean;
}

export interface Score {
  outcomes: PhotoOutcome[];
  presenceIdle: { correct: number; total: number };
  presenceSession: { correct: number; total: number };
  perGesture: Record<string, { tp: number; fp: number; fn: number }>;
  falseCommands: { core: [number, number]; all: [number, number] };
}

/** The gesture a still photo fires: the most confident hand that passes the classifier's gates. */
export function firedGesture(analysis: PhotoAnalyses['session']): StaticGesture | null {
  let best: { g: StaticGesture; c: number } | null = null;
  for (const hand of analysis.hands) {
    const pose = classifyHand(hand, analysis.body);
    if (pose.gesture && (!best || pose.confidence > best.c)) best = { g: pose.gesture, c: pose.confidence };
  }
  return best?.g ?? null;
}

export function scorePhotos(
  photos: LabelledPhoto[],
  analyses: Record<string, PhotoAnalyses>,
  fire: (a: PhotoAnalyses, photo: LabelledPhoto) => StaticGesture | null = (a) => firedGesture(a.session),
): Score {
  const perGesture: Score['perGesture'] = {};
  const tally = (g: string) => (perGesture[g] ??= { tp: 0, fp: 0, fn: 0 });
  for (const g of new Set(Object.values(EXPECTED))) tally(g);
  const outcomes: PhotoOutcome[] = [];
  const fc = { core: [0, 0] as [number, number], all: [0, 0] as [number, number] };
  const presenceIdle = { correct: 0, total: 0 };
  const presenceSession = { correct: 0, total: 0 };
  for (const photo of photos) {
    const a = analyses[photo.file];
    const expected = EXPECTED[photo.label] ?? null;
    const fired = fire(a, photo);
    if (expected) {
      if (fired === expected) tally(expected).tp++;
      else {
        tally(expected).fn++;
        if (fired) tally(fired).fp++;
      }
    } else {
      if (fired) tally(fired).fp++;
      fc.all[1]++;
      if (fired) fc.all[0]++;
      if (NON_COMMAND_CORE.includes(photo.label)) {
        fc.core[1]++;
        if (fired) fc.core[0]++;
      }
    }
    const presentIdle = classifyPresence(a.presence).present;
    const presentSession = classifyPresence(a.session).present;
    // Idle frames only see faces and bodies: judge them on photos that show a person or nobody.
    if (photo.person !== 'hand') {
      presenceIdle.total++;
      if (presentIdle === (photo.person === 'full')) presenceIdle.correct++;
    }
    presenceSession.total++;
    if (presentSession === (photo.person !== 'none')) presenceSession.correct++;
    outcomes.push({ photo, expected, fired, presentIdle, presentSession });
  }
  return { outcomes, presenceIdle, presenceSession, perGesture, falseCommands: fc };
}
