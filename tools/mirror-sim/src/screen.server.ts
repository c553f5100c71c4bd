import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import QRCode from 'qrcode';
import type { DisplayMessage, MirrorSimulator } from './mirror-simulator';
import { SCREEN_HTML } from './screen.page';

export interface ScreenState {
  mirrorId: string;
  display?: DisplayMessage;
  /** The QR code of the session, rendered locally from the ticket URL. */
  qrSvg?: string;
}

/** Serves the mirror screen page and pushes display/gesture/photo updates to it over SSE. */
export class ScreenServer {
  private server?: Server;
  private readonly clients = new Set<ServerResponse>();
  private state: ScreenState;

  constructor(mirror: MirrorSimulator) {
    this.state = { mirrorId: mirror.options.mirrorId };
    mirror.on('display', (d: DisplayMessage) => void this.onDisplay(d));
    mirror.on('gesture', (g) => this.broadcast('gesture', g));
    mirror.on('photo', (p) => this.broadcast('photo', p));
  }

  private async onDisplay(display: DisplayMessage) {
    const qrSvg =
      display.kind === 'qr' ? await QRCode.toString(display.url, { type: 'svg', margin: 1 }) : undefined;
    this.state = { ...this.state, display, qrSvg };
    this.broadcast('state', this.state);
  }

  private broadcast(event: string, data: unknown) {
    const chunk = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of this.clients) res.write(chunk);
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET') {
        res.writeHead(405).end();
      } else if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(SCREEN_HTML);
      } else if (path === '/events') {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
        });
        res.write(`event: state\ndata: ${JSON.stringify(this.state)}\n\n`);
        this.clients.add(res);
        req.on('close', () => this.clients.delete(res));
      } else if (path === '/state') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.state));
      } else if (path === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const { port: actual } = this.server.address() as AddressInfo;
    return `http://${host}:${actual}/`;
  }

  async close(): Promise<void> {
    for (const res of this.clients) res.end();
    this.clients.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
