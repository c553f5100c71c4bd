import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** A request the fake gateway received. */
export interface ReceivedCallback {
  query: URLSearchParams;
  body: string;
}

export type Responder = (
  callback: ReceivedCallback,
  index: number,
) => Promise<{ status?: number; body: string }>;

/** A stand-in gateway: records every callback and answers with `respond`. */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  private server: Server | null = null;
  url = '';

  constructor(private respond: Responder) {}

  setResponder(respond: Responder): void {
    this.respond = respond;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void readAll(req).then(async (body) => {
        const callback = { query: new URL(req.url ?? '/', 'http://x').searchParams, body };
        const index = this.received.push(callback) - 1;
        try {
          const answer = await this.respond(callback, index);
          if (!res.destroyed)
            res.writeHead(answer.status ?? 200, { 'content-type': 'text/xml' }).end(answer.body);
        } catch {
          if (!res.destroyed) res.writeHead(500).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/wechat`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
