import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** HTTP header and NATS header that carry the correlation id across hops. */
export const CORRELATION_HTTP_HEADER = 'x-correlation-id';
export const CORRELATION_NATS_HEADER = 'correlation-id';

const storage = new AsyncLocalStorage<{ correlationId: string }>();

/** The correlation id of the work in progress, if any. */
export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** Runs `fn` with a correlation id (a new one when none is given) visible to logs and outgoing messages. */
export function withCorrelation<T>(id: string | undefined | null, fn: () => T): T {
  const safe = id && /^[\w.:-]{1,128}$/.test(id) ? id : randomUUID();
  return storage.run({ correlationId: safe }, fn);
}
