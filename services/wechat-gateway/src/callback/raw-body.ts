import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError } from './callback.errors';

/** The request aborted before its body arrived; there is nobody to answer. */
export class RequestAbortedError extends Error {
  constructor() {
    super('the client went away before sending the whole body');
    this.name = 'RequestAbortedError';
  }
}

/**
 * Reads the raw request body (the app runs without body parsers, so signatures are checked over the exact
 * bytes), refusing more than `limit` bytes without buffering them.
 */
export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new BodyTooLargeError(declared, limit));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.resume(); // discard the rest; the answer is sent with Connection: close
        reject(new BodyTooLargeError(size, limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = () => {
      cleanup();
      reject(new RequestAbortedError());
    };
    const onAborted = onError;
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
