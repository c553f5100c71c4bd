import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError } from '../../src/callback/callback.errors';
import { readRawBody, RequestAbortedError } from '../../src/callback/raw-body';

function request(headers: Record<string, string> = {}) {
  const stream = new PassThrough() as PassThrough & { headers: Record<string, string> };
  stream.headers = headers;
  return stream;
}

describe(readRawBody.name, () => {
  it('returns the exact bytes', async () => {
    const req = request();
    const sut = readRawBody(req as unknown as IncomingMessage, 100);
    req.write(Buffer.from([0xe4, 0xb8]));
    req.end(Buffer.from([0xad]));
    expect(await sut).toEqual(Buffer.from('中'));
  });

  it('refuses a declared length over the limit without reading', async () => {
    const req = request({ 'content-length': '101' });
    await expect(readRawBody(req as unknown as IncomingMessage, 100)).rejects.toThrow(BodyTooLargeError);
  });

  it('refuses a body that grows over the limit while streaming', async () => {
    const req = request();
    const sut = readRawBody(req as unknown as IncomingMessage, 100);
    req.write(Buffer.alloc(60));
    req.write(Buffer.alloc(60));
    await expect(sut).rejects.toMatchObject({ reason: 'body-too-large', status: 413 });
  });

  it('reports a client that went away', async () => {
    const req = request();
    const sut = readRawBody(req as unknown as IncomingMessage, 100);
    req.destroy(new Error('ECONNRESET'));
    await expect(sut).rejects.toThrow(RequestAbortedError);
  });
});
