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
