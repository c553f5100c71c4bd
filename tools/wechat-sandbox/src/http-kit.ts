import { IncomingMessage, ServerResponse } from 'node:http';

/** A parsed request handed to route handlers. */
export interface SandboxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Raw body text (empty for GET). */
  body: string;
}

/** What a handler answers; `json` is serialised, `bytes` sent as-is. */
export interface SandboxResponse {
  status?: number;
  json?: unknown;
  text?: string;
  bytes?: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

export type Handler = (req: SandboxRequest) => Promise<SandboxResponse> | SandboxResponse;

const MAX_BODY = 1024 * 1024;

/** Reads the request body (bounded at 1 MiB). */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Writes a SandboxResponse. */
export function send(res: ServerResponse, answer: SandboxResponse): void {
  const status = answer.status ?? 200;
  let payload: Buffer;
  let type = answer.contentType;
  if (answer.bytes) {
    payload = answer.bytes;
  } else if (answer.text !== undefined) {
    payload = Buffer.from(answer.text, 'utf8');
    type ??= 'text/plain; charset=utf-8';
  } else {
    // WeChat answers JSON with raw UTF-8, never \u escapes; JSON.stringify does the same.
    payload = Buffer.from(JSON.stringify(answer.json ?? {}), 'utf8');
    type ??= 'application/json; charset=utf-8';
  }
  res.writeHead(status, { 'content-type': type ?? 'application/octet-stream', ...answer.headers });
  res.end(payload);
}

/** Parses a JSON body into an object, or returns null. */
export function jsonBody(req: SandboxRequest): Record<string, unknown> | null {
  if (!req.body) return null;
  try {
    const value: unknown = JSON.parse(req.body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
