import { isValidMirrorId } from './primitives';

/**
 * A mirror's permanent code (`QR_LIMIT_STR_SCENE`, printed on its frame) carries the scene `m:<mirrorId>`:
 * the scene names the mirror, so every code ever issued for it keeps working. WeChat allows 64 characters,
 * so a mirror whose id is longer than 62 has no permanent code.
 */
export const MIRROR_SCENE_PREFIX = 'm:';
const MIRROR_SCENE = /^m:([a-z0-9-]{1,62})$/;

/** The scene of `mirrorId`'s permanent code, or null when the id cannot have one. */
export function mirrorScene(mirrorId: string): string | null {
  const scene = MIRROR_SCENE_PREFIX + mirrorId;
  return isValidMirrorId(mirrorId) && MIRROR_SCENE.test(scene) ? scene : null;
}

/** The mirror a scene names (`m:<mirrorId>`), or null for any other scene. */
export function mirrorOfScene(scene: string): string | null {
  return MIRROR_SCENE.exec(scene)?.[1] ?? null;
}
