/** Base of every error thrown by @mirror/web-auth. */
export class WebAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The OAuth `state` is well-formed and genuine but its expiry has passed: the customer must scan again. */
export class StateExpiredError extends WebAuthError {
  constructor(readonly expiredAt: number) {
    super(
      `OAuth state expired at ${new Date(expiredAt * 1000).toISOString()}; scan the mirror's QR code again.`,
    );
  }
}

/** The OAuth `state` is malformed or its signature does not match: it was not issued by us. */
export class StateForgedError extends WebAuthError {
  constructor(readonly detail: string) {
    super(`OAuth state refused (${detail}); only links sent by the Official Account are accepted.`);
  }
}

/** The customer cookie is malformed or its signature does not match. */
export class CookieForgedError extends WebAuthError {
  constructor(readonly detail: string) {
    super(`Customer cookie refused (${detail}); sign in again through the Official Account link.`);
  }
}

/** The customer cookie is genuine but expired. */
export class CookieExpiredError extends WebAuthError {
  constructor(readonly expiredAt: number) {
    super(`Customer cookie expired at ${new Date(expiredAt * 1000).toISOString()}; sign in again.`);
  }
}

/** A value that cannot be signed (wrong characters, too long, bad TTL, empty secret). */
export class WebAuthArgumentError extends WebAuthError {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field} ${problem}.`);
  }
}
