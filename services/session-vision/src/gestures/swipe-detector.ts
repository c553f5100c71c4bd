export interface SwipeSettings {
  /** Horizontal travel, in frame widths, that makes a swipe. */
  minTravel: number;
  /** The travel must happen within this long. */
  maxDurationMs: number;
  /** Vertical travel allowed, relative to the horizontal travel. */
  maxSlope: number;
  /** Hand sightings needed along the way. */
  minPoints: number;
}

export const DEFAULT_SWIPE_SETTINGS: SwipeSettings = {
  minTravel: 0.25,
  maxDurationMs: 1200,
  maxSlope: 0.6,
  minPoints: 3,
};

export interface TrackPoint {
  /** Hand centre in frame widths/heights (0..1). */
  x: number;
  y: number;
  at: number;
}

/** The recent trajectory of the hand on one mirror (plain data, kept per mirror). */
export type Track = TrackPoint[];

export interface Swipe {
  gesture: 'swipe_left' | 'swipe_right';
  confidence: number;
}

/**
 * Adds the frame's hand position (or null: no hand) and looks for a swipe: a mostly horizontal, steady
 * sweep across the frame. Directions are in the frame as published: `swipe_left` moves towards x = 0.
 * A swipe clears the track so one sweep fires once.
 */
export function trackSwipe(
  track: Track,
  point: TrackPoint | null,
  now: number,
  settings: SwipeSettings,
): { track: Track; swipe: Swipe | null } {
  const recent = track.filter((p) => now - p.at <= settings.maxDurationMs);
  if (point) recent.push(point);
  if (recent.length < settings.minPoints) return { track: recent, swipe: null };
  const last = recent[recent.length - 1];
  // Look back from the newest point for the oldest start that makes a clean sweep.
  for (let i = 0; i <= recent.length - settings.minPoints; i++) {
    const first = recent[i];
    const dx = last.x - first.x;
    const dy = last.y - first.y;
    if (Math.abs(dx) < settings.minTravel || Math.abs(dy) > settings.maxSlope * Math.abs(dx)) continue;
    const span = recent.slice(i);
    const sign = Math.sign(dx);
    // Steady: no step goes back by more than a fifth of the travel.
    const steady = span.every((p, j) => j === 0 || sign * (p.x - span[j - 1].x) >= -0.2 * Math.abs(dx));
    if (!steady) continue;
    const confidence = Math.min(1, 0.5 + Math.abs(dx) / (4 * settings.minTravel));
    return { track: [], swipe: { gesture: dx < 0 ? 'swipe_left' : 'swipe_right', confidence } };
  }
  return { track: recent, swipe: null };
}
