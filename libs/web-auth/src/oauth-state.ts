import { randomBytes } from 'node:crypto';
import { StateExpiredError, StateForgedError, WebAuthArgumentError } from './errors';
import { epochSeconds, parseBase36Seconds, tag, tagMatches } from './hmac';

/** WeChat accepts at most 128 characters of this alphabet in `state`. */
export const OAUTH_STATE_MAX_LENGTH = 128;
const STATE_ALPHABET = /^[A-Za-z0-9._~-]+$/;
const NONCE_BYTES = 8;
const NONCE = /^[A-Za-z0-9_-]{11}$/;

/** What a genuine, unexpired state carries. `exp` is unix seconds; `nonce` makes it single-use. */
export interface OAuthStateClaims {
  scene: string;
  exp: number;
  nonce: string;
}

export interface SignOAuthStateOptions {
  /** The QR scene that identifies the session (and its claimer) in binding. */
  scene: string;
  ttlSeconds: number;
  /** OAUTH_STATE_SECRET. */
  secret: string;
  /** Date or epoch milliseconds; defaults to now. */
  now?: Date | number;
  /** 8 random bytes; tests pass fixed ones. */
  nonce?: Buffer;
}

/**
 * Builds the OAuth `state`: `<scene>.<exp base36>.<nonce base64url>.<HMAC-SHA256 tag base64url>`,
 * the tag over `<scene>.<exp>.<nonce>` truncated to 16 bytes.
 */
export function signOAuthState(options: SignOAuthStateOptions): string {
  const { scene, ttlSeconds, secret } = options;
  if (!scene || !STATE_ALPHABET.test(scene)) {
    throw new WebAuthArgumentError(
      'scene',
      'must be non-empty letters, digits, . _ ~ or - (WeChat state alphabet)',
    );
  }
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new WebAuthArgumentError('ttlSeconds', 'must be a positive whole number');
  }
  const random = options.nonce ?? randomBytes(NONCE_BYTES);
  if (random.length !== NONCE_BYTES) throw new WebAuthArgumentError('nonce', `must be ${NONCE_BYTES} bytes`);
  const exp = (epochSeconds(options.now) + ttlSeconds).toString(36);
  const body = `${scene}.${exp}.${random.toString('base64url')}`;
  const state = `${body}.${tag(secret, body)}`;
  if (state.length > OAUTH_STATE_MAX_LENGTH) {
    throw new WebAuthArgumentError(
      'scene',
      `makes the state longer than ${OAUTH_STATE_MAX_LENGTH} characters`,
    );
  }
  return state;
}

/**
 * Checks a state's shape and signature (constant-time), then its expiry. Throws StateForgedError or
 * StateExpiredError; single use is the caller's job (remember `nonce` until `exp`).
 */
export function verifyOAuthState(
  state: string | null | undefined,
  secret: string,
  now: Date | number = Date.now(),
): OAuthStateClaims {
  if (typeof state !== 'string' || !state) throw new StateForgedError('missing');
  if (state.length > OAUTH_STATE_MAX_LENGTH || !STATE_ALPHABET.test(state)) {
    throw new StateForgedError('not a state we issue');
  }
  const parts = state.split('.');
  if (parts.length < 4) throw new StateForgedError('not a state we issue');
  // The scene may itself contain dots: the last three parts are fixed, the rest is the scene.
  const presentedTag = parts.pop()!;
  const nonce = parts.pop()!;
  const expText = parts.pop()!;
  const scene = parts.join('.');
  const exp = parseBase36Seconds(expText);
  if (!scene || exp === null || !NONCE.test(nonce)) throw new StateForgedError('not a state we issue');
  if (!tagMatches(tag(secret, `${scene}.${expText}.${nonce}`), presentedTag)) {
    throw new StateForgedError('bad signature');
  }
  if (exp < epochSeconds(now)) throw new StateExpiredError(exp);
  return { scene, exp, nonce };
}
