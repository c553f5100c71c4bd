import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LooksState } from '@mirror/contracts';
import QRCode from 'qrcode';
import type { DisplayMessage, MirrorSimulator } from './mirror-simulator';
import { SCREEN_HTML } from './screen.page';

export interface ScreenState {
  mirrorId: string;
  display?: DisplayMessage;
  /** The QR code of the session, rendered locally from the ticket URL. */
  qrSvg?: string;
  /** The looks of the session as binding last sent them (newest version only). */
  looks?: LooksState;
}

/** How often an idle event stream gets a comment, so proxies keep it open and a dead one is noticed. */
const KEEPALIVE_MS = 15000;

/**
 * Serves the mirror screen page and pushes the screen's state to it over SSE: the whole state on every
 * change and at once to a page that (re)connects, so a reconnect never misses anything; gestures and photos
 * as passing events for feedback. `/camera.jpg` is the camera's newest frame (the live view).
 */
export class ScreenServer {
  private server?: Server;
  private readonly clients = new Set<ServerResponse>();
  private state: ScreenState;
  private keepalive?: NodeJS.Timeout;

  constructor(private readonly mirror: MirrorSimulator) {
    this.state = { mirrorId: mirror.options.mirrorId };
    mirror.on('display', (d: DisplayMessage) => void this.onDisplay(d));
    mirror.on('looks', (looks: LooksState) => {
      this.state = { ...this.state, looks };
      this.broadcast('state', this.state);
    });
    mirror.on('gesture', (g) => this.broadcast('gesture', g));
    mirror.on('photo', (p) => this.broadcast('photo', p));
  }

  private async onDisplay(display: DisplayMessage) {
    const qrSvg =
      display.kind === 'qr' ? await QRCode.toString(display.url, { type: 'svg', margin: 1 }) : undefined;
    if (display.kind === 'notice') {
      // a passing message: the QR code of the session stays on screen
      this.broadcast('notice', display);
      return;
    }
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
        // the browser reconnects after a second, and gets the whole state again at once
        res.write(`retry: 1000\nevent: state\ndata: ${JSON.stringify(this.state)}\n\n`);
        this.clients.add(res);
        req.on('close', () => this.clients.delete(res));
      } else if (path === '/state') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.state));
      } else if (path === '/camera.jpg') {
        const frame = this.mirror.cameraFrame;
        if (!frame) res.writeHead(404).end();
        else res.writeHead(200, { 'content-type': 'image/jpeg', 'cache-control': 'no-store' }).end(frame);
      } else if (path === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    this.keepalive = setInterval(() => {
      for (const res of this.clients) res.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
    const { port: actual } = this.server.address() as AddressInfo;
    return `http://${host}:${actual}/`;
  }

  async close(): Promise<void> {
    clearInterval(this.keepalive);
    for (const res of this.clients) res.end();
    this.clients.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
