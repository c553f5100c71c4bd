/** Redis (where session QR codes are kept) did not answer or failed; the caller should retry later. */
export class QrStoreUnavailableError extends Error {
  constructor(operation: string, cause: unknown) {
    super(
      `The QR store (Redis) is unavailable during ${operation}: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        'Session QR codes can be neither issued nor looked up until Redis is back.',
      { cause },
    );
    this.name = 'QrStoreUnavailableError';
  }
}

/** A `/qr/...` path that does not name a session image (`<ULID>.png`, `.svg` or `.json`). */
export class MalformedQrPathError extends Error {
  constructor(file: string) {
    super(
      `"${file.slice(0, 80)}" is not a session QR image: ask for /qr/<sessionId>.png, .svg or .json, ` +
        'where sessionId is a 26-character ULID.',
    );
    this.name = 'MalformedQrPathError';
  }
}

/** No QR code was issued for the session (or it was forgotten after it expired). */
export class SessionQrNotFoundError extends Error {
  constructor(readonly sessionId: string) {
    super(`No QR code was issued for session ${sessionId}.`);
    this.name = 'SessionQrNotFoundError';
  }
}

/** The session's QR code has expired; WeChat no longer accepts scans of it. */
export class SessionQrExpiredError extends Error {
  constructor(
    readonly sessionId: string,
    readonly expiredAt: Date,
  ) {
    super(`The QR code of session ${sessionId} expired at ${expiredAt.toISOString()}.`);
    this.name = 'SessionQrExpiredError';
  }
}

/** Why an image request was refused before any session was looked up (the `reason` label of the counter). */
export type QrImageRefusalReason = 'unsigned' | 'missing' | 'malformed' | 'bad_signature' | 'expired';

const REFUSAL_DETAILS: Record<QrImageRefusalReason, string> = {
  unsigned: 'this qr-issuer has no QR_IMAGE_SIGNING_SECRET, so it issues no image links and opens none',
  missing: 'the link carries no exp and sig',
  malformed: 'exp or sig is not one this service writes',
  bad_signature: 'the signature does not match this session, format and expiry',
  expired: 'the link has expired',
};

/**
 * A request for a session's QR image or data without a valid signed link. Checked before the session is
 * looked up, so the answer is the same whether or not the session exists.
 */
export class QrImageRefusedError extends Error {
  constructor(readonly reason: QrImageRefusalReason) {
    super(
      `QR image link refused: ${REFUSAL_DETAILS[reason]}. Use the imageUrl of the mirror's latest display ` +
        'message; links are signed for one session and format and expire.',
    );
    this.name = 'QrImageRefusedError';
  }
}

/** A `/qr/mirrors/...` path that does not name a mirror's code image (`<mirrorId>.png` or `.svg`). */
export class MalformedMirrorCodePathError extends Error {
  constructor(file: string) {
    super(
      `"${file.slice(0, 80)}" is not a mirror code image: ask for /qr/mirrors/<mirrorId>.png or .svg, where ` +
        'mirrorId matches [a-z0-9-]{1,62}, and optionally ?size=<pixels> (256-4096) for the PNG.',
    );
    this.name = 'MalformedMirrorCodePathError';
  }
}
