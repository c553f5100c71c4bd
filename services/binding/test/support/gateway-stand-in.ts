import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Events, Requests, type PassiveReply } from '@mirror/contracts';
import type { NatsClient } from '@mirror/nats';
import {
  buildNewsReply,
  buildTextReply,
  callbackDedupKey,
  openCallback,
  SUCCESS_REPLY,
} from '@mirror/wechat';

/**
 * The gateway's part of the scan flow as agreed between the services, just enough to drive binding from
 * the WeChat sandbox: verify the callback, ask `binding.reply.scan` within a budget, publish the durable
 * event (needsPush when no usable reply came in time), answer WeChat.
 */
export class GatewayStandIn {
  /** WECHAT_REPLY_BUDGET_MS. */
  budgetMs = 3000;
  private server?: Server;
  private port = 0;

  constructor(
    private readonly bus: NatsClient,
    private readonly token: string,
  ) {}

  get callbackUrl(): string {
    return `http://127.0.0.1:${this.port}/wechat`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
        this.handle(Buffer.concat(chunks), query)
          .then((body) => res.writeHead(200, { 'content-type': 'application/xml' }).end(body))
          .catch(() => res.writeHead(500).end());
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(body: Buffer, query: Record<string, string>): Promise<string> {
    const { message } = openCallback(body, query, { token: this.token });
    const eventId = callbackDedupKey(message);
    const at = new Date(message.createTime * 1000).toISOString();
    const address = { toUser: message.openid, fromUser: message.toUserName };
    if ((message.kind === 'scan' || message.kind === 'subscribe') && message.qr) {
      const reply = await this.ask({
        trigger: 'scan',
        eventId,
        openid: message.openid,
        scene: message.qr.scene,
      });
      await this.bus.publish(
        Events.qrScanned,
        {
          eventId,
          openid: message.openid,
          at,
          scene: message.qr.scene,
          ticket: message.qr.ticket ?? undefined,
          newFollower: message.kind === 'subscribe',
          needsPush: !usable(reply),
        },
        { msgID: eventId },
      );
      return render(reply, address);
    }
    if (message.kind === 'text') {
      const reply = await this.ask({
        trigger: 'text',
        eventId,
        openid: message.openid,
        content: message.content,
      });
      await this.bus.publish(
        Events.messageReceived,
        {
          eventId,
          openid: message.openid,
          at,
          msgType: 'text',
          msgId: message.msgId,
          content: message.content,
          needsPush: !usable(reply),
        },
        { msgID: eventId },
      );
      return render(reply, address);
    }
    if (message.kind === 'unsubscribe') {
      await this.bus.publish(
        Events.userUnsubscribed,
        { eventId, openid: message.openid, at },
        { msgID: eventId },
      );
    } else if (message.kind === 'subscribe') {
      await this.bus.publish(
        Events.userSubscribed,
        { eventId, openid: message.openid, at },
        { msgID: eventId },
      );
    }
    return SUCCESS_REPLY;
  }

  private async ask(
    request:
      | { trigger: 'scan'; eventId: string; openid: string; scene: string }
      | { trigger: 'text'; eventId: string; openid: string; content: string },
  ): Promise<PassiveReply | null> {
    try {
      return (await this.bus.request(Requests.replyScan, request, { timeoutMs: this.budgetMs })).reply;
    } catch {
      return null; // timeout, no responders, refusal: answer `success`, binding pushes instead
    }
  }
}

function usable(reply: PassiveReply | null): reply is Exclude<PassiveReply, { type: 'none' }> {
  return reply !== null && reply.type !== 'none';
}

function render(reply: PassiveReply | null, address: { toUser: string; fromUser: string }): string {
  if (!usable(reply)) return SUCCESS_REPLY;
  return reply.type === 'news'
    ? buildNewsReply({ ...address, articles: reply.articles })
    : buildTextReply({ ...address, content: reply.content });
}
