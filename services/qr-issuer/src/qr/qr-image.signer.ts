import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@mirror/platform';
import { tag, tagMatches } from '@mirror/web-auth';
import { QrImageRefusedError } from './qr.errors';
import { QR_SETTINGS, type QrSettings } from './qr.settings';

/** What `GET /qr/<sessionId>.<format>` may serve; `json` carries the code's `url`, so it is signed too. */
export type QrImageResource = 'png' | 'svg' | 'json';

/** The query parameters of a signed image link, as they arrived (unchecked). */
export interface QrImageGrant {
  exp?: unknown;
  sig?: unknown;
}

// Domain separation: a tag made for another purpose with the same key never opens an image.
const PURPOSE = 'qr-image-v1';
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
    const secret = this.settings.imageSigningSecret;
    // config.ts requires the key whenever a base URL (the only caller's reason to sign) is set
    if (!secret) throw new QrImageRefusedError('unsigned');
    const exp = Math.min(
      Math.floor(this.clock.now() / 1000) + this.settings.imageUrlTtlSeconds,
      Math.floor(notAfterMs / 1000),
    );
    return { exp, sig: tag(secret, canonical(sessionId, format, exp)) };
  }

  /**
   * Checks a link's shape and tag (constant time), then its expiry: a forged link is `bad_signature` even
   * when also expired. Returns `exp` (unix seconds); throws QrImageRefusedError naming the reason.
   */
  verify(sessionId: string, format: QrImageResource, grant: QrImageGrant): number {
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
    if (!tagMatches(tag(secret, canonical(sessionId, format, exp)), sig)) {
      throw new QrImageRefusedError('bad_signature');
    }
    const expSeconds = Number(exp);
    if (expSeconds * 1000 <= this.clock.now()) throw new QrImageRefusedError('expired');
    return expSeconds;
  }
}

/** What the tag covers: the purpose, the session, the format and the expiry, with no room for ambiguity. */
function canonical(sessionId: string, format: QrImageResource, exp: number | string): string {
  return `${PURPOSE}.${sessionId}.${format}.${exp}`;
}
