import { mirrorScene, sceneStr } from '@mirror/contracts';

/** What a product code's ExtInfo tells binding: a scene to join, or the store the code belongs to. */
export interface ProductExtInfo {
  /** A scene: `m:<mirrorId>` (a mirror) or a session's scene; whether it is known is for the caller to check. */
  scene: string | null;
  /** A store id (`[a-z0-9-]{1,64}`); recorded only if it is a known store. */
  storeId: string | null;
}

const STORE_ID = /^[a-z0-9-]{1,64}$/;
const NOTHING: ProductExtInfo = { scene: null, storeId: null };

/**
 * Reads a product code's ExtInfo (the merchant's own string, set when the code was made): either a bare scene
 * (`m:<mirrorId>` or a session's scene), or `key=value` pairs joined by `&` with `scene=<scene>`,
 * `mirror=<mirrorId>` and/or `store=<storeId>`. Anything else names nothing.
 */
export function readProductExtInfo(extInfo: string | undefined | null): ProductExtInfo {
  const text = (extInfo ?? '').trim();
  if (!text) return NOTHING;
  if (!text.includes('=')) return { scene: asScene(text), storeId: null };
  const params = new URLSearchParams(text);
  const mirror = params.get('mirror');
  const store = params.get('store');
  return {
    scene: asScene(params.get('scene')) ?? (mirror ? mirrorScene(mirror) : null),
    storeId: store && STORE_ID.test(store) ? store : null,
  };
}

function asScene(value: string | null): string | null {
  return value !== null && sceneStr.safeParse(value).success && !/\s/.test(value) ? value : null;
}
