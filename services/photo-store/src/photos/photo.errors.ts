/** Why a photo was refused; also the `reason` label of the rejection metric. */
export type RejectionCode =
  | 'bad-mirror-id'
  | 'bad-headers'
  | 'too-large'
  | 'not-an-image'
  | 'unsupported-format'
  | 'too-many-pixels'
  | 'corrupt'
  | 'photo-id-taken';

/**
 * A photo that can never be stored as sent: it is `term`ed (dead-lettered), `photo.rejected` says why, and
 * nothing is written. The mirror must fix the photo (or its headers) and publish it again under a new id.
 */
export class PhotoRejectedError extends Error {
  constructor(
    readonly code: RejectionCode,
    detail: string,
  ) {
    // one line: the reason travels in photo.rejected and in the dead letter's headers (no CR/LF there)
    super(`${code}: ${detail.replace(/\s+/g, ' ').trim()}`.slice(0, 500));
    this.name = 'PhotoRejectedError';
  }
}

/**
 * The same bytes from the same mirror are being stored under another photo id right now: this copy waits
 * (nak with backoff) until that one is indexed, and is then dropped as a duplicate, or stored if it failed.
 */
export class DuplicateInFlightError extends Error {
  constructor(
    readonly photoId: string,
    readonly ownerPhotoId: string,
  ) {
    super(`photo ${photoId} has the bytes of ${ownerPhotoId}, which is still being stored; retrying later`);
    this.name = 'DuplicateInFlightError';
  }
}

/** An index entry in the bucket that does not parse: somebody wrote it by hand, or it was cut short. */
export class CorruptIndexError extends Error {
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(`photo index entry ${key} is unreadable (${detail}); delete or repair it, then retry`);
    this.name = 'CorruptIndexError';
  }
}

/** Object storage (S3_ENDPOINT) did not answer in time; the caller retries, and /readyz reports it meanwhile. */
export class ObjectStorageTimeoutError extends Error {
  constructor(operation: string, ms: number) {
    super(
      `object storage did not answer within ${ms} ms while ${operation}; check S3_ENDPOINT and that it is up`,
    );
    this.name = 'ObjectStorageTimeoutError';
  }
}
