/**
 * Counts thumbnail pixels whose grey level moved by more than `pixelDelta`. Counting changed pixels, rather
 * than averaging, keeps a small moving hand visible while sensor noise (averaged away by the downscale) is not.
 */
export function changedPixels(previous: Uint8Array, current: Uint8Array, pixelDelta: number): number {
  if (previous.length !== current.length) return current.length;
  let changed = 0;
  for (let i = 0; i < current.length; i++) {
    if (Math.abs(current[i] - previous[i]) > pixelDelta) changed++;
  }
  return changed;
}

export interface FrameDifferenceOptions {
  /** Grey levels (0..255) a thumbnail pixel must move to count as changed. */
  pixelDelta: number;
  /** Changed pixels from which the frame counts as different; 0 disables skipping. */
  minChangedPixels: number;
}

/** True when the frame is close enough to the last analysed one that its analysis can be reused. */
export function isNearDuplicate(
  previous: Uint8Array | null,
  current: Uint8Array,
  options: FrameDifferenceOptions,
): boolean {
  if (!previous || options.minChangedPixels <= 0) return false;
  return changedPixels(previous, current, options.pixelDelta) < options.minChangedPixels;
}
