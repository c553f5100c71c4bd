/** What `withTimeout` does when time runs out: reject with this error, or resolve with this value. */
export type OnTimeout<T> = { reject: () => Error } | { resolve: () => T };

/**
 * Settles like `promise`, unless `ms` pass first: then rejects with `onTimeout.reject()` or resolves with
 * `onTimeout.resolve()`. The timer is always cleared, so a finished promise leaves nothing behind. The
 * promise itself keeps running: callers that must stop the work pass it a signal of their own.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: OnTimeout<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      if ('reject' in onTimeout) reject(onTimeout.reject());
      else resolve(onTimeout.resolve());
    }, ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Waits for `promise` to settle, at most `ms`; never rejects. True when it settled in time. */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = promise.then(
    () => true,
    () => true,
  );
  return withTimeout(settled, ms, { resolve: () => false });
}

/** Resolves after `ms` milliseconds of real time. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
