/** Nobody serves the subject: the service behind it is down or not deployed. */
export class NoRespondersError extends Error {
  constructor(readonly subject: string) {
    super(`no service answers on ${subject}: is it running?`);
    this.name = 'NoRespondersError';
  }
}

/** Somebody serves the subject but did not answer in time. */
export class RequestTimeoutError extends Error {
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
  ) {
    super(`${subject} did not answer within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

/** The responder answered with a refusal (`{ok: false}`): a business answer, not a fault. */
export class RequestRefusedError extends Error {
  constructor(
    readonly subject: string,
    readonly code: string,
    readonly reason: string,
    readonly field?: string,
  ) {
    super(`${subject} refused: ${code}: ${reason}`);
    this.name = 'RequestRefusedError';
  }
}

/**
 * Thrown by a handler for a message that can never succeed: the consumer `term`s it and sends it to
 * the dead-letter subject instead of redelivering it.
 */
export class PoisonMessageError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PoisonMessageError';
  }
}

/**
 * Thrown by a request handler to refuse with a code the caller can act on (`NOT_FOUND`, `FORBIDDEN`...).
 * Any other error becomes `INTERNAL` without leaking its message.
 */
export class RefusalError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'RefusalError';
  }
}

/** JetStream did not store a message: no stream takes its subject, or the stream refused it. */
export class JetStreamPublishError extends Error {
  constructor(
    readonly subject: string,
    readonly reason: string,
    /** JetStream's `err_code` when the stream refused (e.g. 10071 wrong last sequence). */
    readonly errCode?: number,
  ) {
    super(`JetStream did not store ${subject}: ${reason}`);
    this.name = 'JetStreamPublishError';
  }
}

/** No contract in @mirror/contracts has this subject: nothing can be published or requested on it. */
export class UnknownSubjectError extends Error {
  constructor(
    readonly subject: string,
    readonly kind: 'event' | 'request',
  ) {
    super(`no ${kind} contract in @mirror/contracts has the subject ${subject}`);
    this.name = 'UnknownSubjectError';
  }
}
