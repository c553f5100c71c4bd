/** What WeChat showed the customer after a scan: the gateway's passive reply, as the sandbox recorded it. */
export interface ScanOutcome {
  delivered: boolean;
  attempts: number;
  replyType: string;
  xml: string | null;
  news?: { title: string; description: string; picUrl?: string; url: string };
  text?: string;
}

export interface PageVisit {
  status: number;
  url: string;
  html: string;
  cookie?: string;
}

function cdata(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${tag}>`).exec(xml);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** A customer-service message as the sandbox recorded it (`text`: `content`; `news`: one article). */
export interface ChatMessage {
  msgtype: string;
  content?: string;
  articles?: { title?: string; description?: string; url?: string; picurl?: string }[];
  at: number;
}

/**
 * A customer with a phone: scans a mirror's QR code through the WeChat sandbox, reads the reply in the
 * chat, taps the link (OAuth through the sandbox, back to the gateway) and opens their photo page.
 */
export class SimulatedCustomer {
  cookie?: string;

  constructor(
    readonly sandboxUrl: string,
    readonly openid: string,
  ) {}

  async scan(qrUrl: string): Promise<ScanOutcome> {
    const res = await fetch(`${this.sandboxUrl}/_sandbox/scan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ openid: this.openid, url: qrUrl }),
    });
    if (!res.ok) throw new Error(`sandbox refused the scan: ${res.status} ${await res.text()}`);
    const delivery = (await res.json()) as {
      delivered: boolean;
      attempts: unknown[];
      reply: { type: string; xml: string | null } | null;
    };
    const xml = delivery.reply?.xml ?? null;
    const outcome: ScanOutcome = {
      delivered: delivery.delivered,
      attempts: delivery.attempts.length,
      replyType: delivery.reply?.type ?? 'none',
      xml,
    };
    if (xml && outcome.replyType === 'news') {
      outcome.news = {
        title: cdata(xml, 'Title') ?? '',
        description: cdata(xml, 'Description') ?? '',
        picUrl: cdata(xml, 'PicUrl'),
        url: cdata(xml, 'Url') ?? '',
      };
    } else if (xml && outcome.replyType === 'text') {
      outcome.text = cdata(xml, 'Content');
    }
    return outcome;
  }

  /** Sends a text message to the Official Account and returns the passive reply's link, if any. */
  async text(content: string): Promise<{ replyType: string; url?: string }> {
    const res = await fetch(`${this.sandboxUrl}/_sandbox/text`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ openid: this.openid, content }),
    });
    if (!res.ok) throw new Error(`sandbox refused the text: ${res.status} ${await res.text()}`);
    const delivery = (await res.json()) as { reply: { type: string; xml: string | null } | null };
    const xml = delivery.reply?.xml ?? '';
    const url = cdata(xml, 'Url') ?? /https?:\/\/[^\s"<]+/.exec(cdata(xml, 'Content') ?? '')?.[0];
    return { replyType: delivery.reply?.type ?? 'none', url: url?.replace(/&amp;/g, '&') };
  }

  /** Customer-service messages the sandbox delivered to this customer, oldest first. */
  async messages(): Promise<ChatMessage[]> {
    const res = await fetch(`${this.sandboxUrl}/_sandbox/messages?openid=${encodeURIComponent(this.openid)}`);
    const body = (await res.json()) as unknown;
    return (Array.isArray(body) ? body : ((body as { messages?: unknown[] }).messages ?? [])) as never;
  }

  /** Opens a link as WeChat's in-app browser would: follows redirects, keeps the cookie. */
  async open(url: string, maxHops = 6): Promise<PageVisit> {
    let current = url;
    for (let hop = 0; hop < maxHops; hop++) {
      const res = await fetch(current, {
        redirect: 'manual',
        headers: {
          ...(this.cookie ? { cookie: this.cookie } : {}),
          'x-sandbox-openid': this.openid,
          'user-agent': 'Mozilla/5.0 (iPhone) MicroMessenger/8.0.50',
        },
      });
      const setCookie = res.headers.getSetCookie?.() ?? [];
      if (setCookie.length) this.cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        current = new URL(location, current).toString();
        continue;
      }
      return { status: res.status, url: current, html: await res.text(), cookie: this.cookie };
    }
    throw new Error(`more than ${maxHops} redirects from ${url}`);
  }
}
