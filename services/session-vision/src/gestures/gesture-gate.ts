import type { StaticGesture } from './static-gesture.classifier';

export type Command = StaticGesture | 'swipe_left' | 'swipe_right';

export interface GateSettings {
  /** Consecutive analysed frames a pose must be held (and the hand kept still) before it fires. */
  holdFrames: number;
  /** After any command fires, nothing fires for this long. */
  refractoryMs: number;
  /** How far (in frame widths) the hand may drift during a hold and still count as held still. */
  maxDrift: number;
}

export const DEFAULT_GATE_SETTINGS: GateSettings = { holdFrames: 3, refractoryMs: 1500, maxDrift: 0.06 };

export interface GateState {
  held: { gesture: StaticGesture; frames: number; confidence: number; x: number; y: number } | null;
  /** The hold already fired: the pose must be released before it fires again. */
  firedHold: boolean;
  lastFiredAt: number | null;
}

export const initialGate = (): GateState => ({ held: null, firedHold: false, lastFiredAt: null });

export interface FrameGesture {
  gesture: StaticGesture | null;
  confidence: number;
  /** Hand centre in frame widths/heights (0..1). */
  x: number;
  y: number;
}

export interface Fired {
  gesture: Command;
  confidence: number;
  at: number;
}

/**
 * Turns per-frame poses into commands: a pose fires once when held still for `holdFrames` frames, a swipe
 * fires at once; either starts a refractory period. Pure: returns the next state and what fired.
 */
export function gate(
  state: GateState,
  frame: FrameGesture,
  swipe: { gesture: 'swipe_left' | 'swipe_right'; confidence: number } | null,
  at: number,
  settings: GateSettings,
): { state: GateState; fired: Fired | null } {
  const cooling = state.lastFiredAt !== null && at - state.lastFiredAt < settings.refractoryMs;
  if (swipe) {
    const next: GateState = { held: null, firedHold: false, lastFiredAt: cooling ? state.lastFiredAt : at };
    return {
      state: next,
      fired: cooling ? null : { gesture: swipe.gesture, confidence: swipe.confidence, at },
    };
  }
  let held = state.held;
  let firedHold = state.firedHold;
  const still =
    held &&
    frame.gesture === held.gesture &&
    Math.hypot(frame.x - held.x, frame.y - held.y) <= settings.maxDrift;
  if (!frame.gesture) {
    held = null;
    firedHold = false;
  } else if (still && held) {
    held = { ...held, frames: held.frames + 1, confidence: Math.min(held.confidence, frame.confidence) };
  } else {
    held = { gesture: frame.gesture, frames: 1, confidence: frame.confidence, x: frame.x, y: frame.y };
    firedHold = false;
  }
  if (held && held.frames >= settings.holdFrames && !firedHold && !cooling) {
    return {
      state: { held, firedHold: true, lastFiredAt: at },
      fired: { gesture: held.gesture, confidence: held.confidence, at },
    };
  }
  return { state: { held, firedHold, lastFiredAt: state.lastFiredAt }, fired: null };
}
