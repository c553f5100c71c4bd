import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@mirror/platform';
import { tag, tagMatches } from '@mirror/web-auth';
import { QrImageRefusedError } from './qr.errors';
import { QR_SETTINGS, type QrSettings } from './qr.settings';

/** What `GET /qr/<sessionId>.<format>` may serve; `json` carries the code's `url`, so it is signed too. */
export type QrImageResource = 'png' | 'svg' | 'json';
/** What `GET /qr/mirrors/<mirrorId>.<format>` may serve. */
export type MirrorCodeResource = 'png' | 'svg';

/** The query parameters of a signed image link, as they arrived (unchecked). */
export interface QrImageGrant {
  exp?: unknown;
  sig?: unknown;
}

// Domain separation: a tag made for another purpose with the same key never opens an image, and a session
// image's link never opens a mirror's code (or the other way round).
const SESSION_IMAGE = 'qr-image-v1';
const MIRROR_CODE = 'qr-mirror-code-v1';
const UNIX_SECONDS = /^[0-9]{1,11}$/;

/**
 * Signed, expiring image links: `/qr/<sessionId>.<format>?exp=<unix s>&sig=<tag>`, the tag being
 * HMAC-SHA256(QR_IMAGE_SIGNING_SECRET, `qr-image-v1.<sessionId>.<format>.<exp>`) truncated to 16 bytes,
 * base64url (`@mirror/web-auth`). A session id is sortable, not secret; the tag is what makes a link
 * unguessable, and it opens one session in one format until `exp`.
 */
@Injectable()
export class QrImageSigner {
  constructor(
    private readonly clock: Clock,
    @Inject(QR_SETTINGS) private readonly settings: QrSettings,
  ) {}

  /** `<base>/qr/<sessionId>.<format>?exp=…&sig=…`, valid for QR_IMAGE_URL_TTL_SECONDS and never past `notAfterMs`. */
  signedUrl(base: string, sessionId: string, format: QrImageResource, notAfterMs: number): string {
    const { exp, sig } = this.sign(sessionId, format, notAfterMs);
    return `${base.replace(/\/+$/, '')}/qr/${sessionId}.${format}?exp=${exp}&sig=${sig}`;
  }

  /** The `exp` (unix seconds) and `sig` of a link to one session's image in one format. */
  sign(sessionId: string, format: QrImageResource, notAfterMs: number): { exp: number; sig: string } {
    return this.signFor(SESSION_IMAGE, sessionId, format, notAfterMs);
  }

  /**
   * Checks a link's shape and tag (constant time), then its expiry: a forged link is `bad_signature` even
   * when also expired. Returns `exp` (unix seconds); throws QrImageRefusedError naming the reason.
   */
  verify(sessionId: string, format: QrImageResource, grant: QrImageGrant): number {
    return this.verifyFor(SESSION_IMAGE, sessionId, format, grant);
  }

  /**
   * `<base>/qr/mirrors/<mirrorId>.<format>?exp=…&sig=…`: a mirror's permanent code at print size, valid for
   * QR_IMAGE_URL_TTL_SECONDS. Tag over `qr-mirror-code-v1.<mirrorId>.<format>.<exp>`.
   */
  signedMirrorCodeUrl(base: string, mirrorId: string, format: MirrorCodeResource): string {
    const { exp, sig } = this.signFor(MIRROR_CODE, mirrorId, format, Number.POSITIVE_INFINITY);
    return `${base.replace(/\/+$/, '')}/qr/mirrors/${mirrorId}.${format}?exp=${exp}&sig=${sig}`;
  }

  /** `verify` for a mirror code's link. */
  verifyMirrorCode(mirrorId: string, format: MirrorCodeResource, grant: QrImageGrant): number {
    return this.verifyFor(MIRROR_CODE, mirrorId, format, grant);
  }

  private signFor(
    purpose: string,
    id: string,
    format: string,
    notAfterMs: number,
  ): { exp: number; sig: string } {
    const secret = this.settings.imageSigningSecret;
    // config.ts requires the key whenever a base URL (the only caller's reason to sign) is set
    if (!secret) throw new QrImageRefusedError('unsigned');
    const exp = Math.min(
      Math.floor(this.clock.now() / 1000) + this.settings.imageUrlTtlSeconds,
      Math.floor(notAfterMs / 1000),
    );
    return { exp, sig: tag(secret, canonical(purpose, id, format, exp)) };
  }

  private verifyFor(purpose: string, id: string, format: string, grant: QrImageGrant): number {
    const secret = this.settings.imageSigningSecret;
    if (!secret) throw new QrImageRefusedError('unsigned');
    const { exp, sig } = grant;
    if (exp === undefined || sig === undefined || exp === '' || sig === '') {
      throw new QrImageRefusedError('missing');
    }
    if (typeof exp !== 'string' || typeof sig !== 'string' || !UNIX_SECONDS.test(exp)) {
      throw new QrImageRefusedError('malformed');
    }
    // the exact text presented is signed over, so `exp=0123` never passes for `exp=123`
    if (!tagMatches(tag(secret, canonical(purpose, id, format, exp)), sig)) {
      throw new QrImageRefusedError('bad_signature');
    }
    const expSeconds = Number(exp);
    if (expSeconds * 1000 <= this.clock.now()) throw new QrImageRefusedError('expired');
    return expSeconds;
  }
}

/**
 * What the tag covers: the purpose, the session (or mirror), the format and the expiry, with no room for
 * ambiguity (neither ids nor formats contain a dot).
 */
function canonical(purpose: string, id: string, format: string, exp: number | string): string {
  return `${purpose}.${id}.${format}.${exp}`;
}
