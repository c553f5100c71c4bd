import type { Delivery } from '@mirror/wechat-sandbox';

/** The fields of the passive reply the sandbox recorded for a callback. */
export function replyOf(delivery: Delivery): {
  type: string;
  title?: string;
  description?: string;
  picUrl?: string;
  url?: string;
  content?: string;
} {
  const xml = delivery.reply?.xml ?? '';
  const field = (name: string) =>
    new RegExp(`<${name}><!\\[CDATA\\[([\\s\\S]*?)\\]\\]></${name}>`).exec(xml)?.[1];
  return {
    type: delivery.reply?.type ?? 'none',
    title: field('Title'),
    description: field('Description'),
    picUrl: field('PicUrl'),
    url: field('Url'),
    content: field('Content'),
  };
}

type LinkOpener = (link: string, target: 'page' | 'picture') => Promise<string>;
let linkOpener: LinkOpener | null = null;

/** How the tests open binding's stable photo links (the gateway's `/link/…` asks `binding.link.open`). */
export function useLinkOpener(opener: LinkOpener): void {
  linkOpener = opener;
}

/** Where a URL leads now: a stable photo link (`/link/<link>[/picture]`) opened through binding, else itself. */
export async function opened(url: string): Promise<string> {
  const m = /\/link\/([^/?#]+)(\/picture)?$/.exec(new URL(url).pathname);
  if (!m) return url;
  if (!linkOpener) throw new Error('no link opener: BindingHarness.create sets one');
  return linkOpener(m[1], m[2] ? 'picture' : 'page');
}

/** Where WeChat's authorize page sends the customer: the gateway's callback with `code` and `state`. */
export async function consent(
  authorizeUrl: string,
  openid: string,
): Promise<{ location: URL; code: string; state: string }> {
  const res = await fetch(await opened(authorizeUrl), {
    redirect: 'manual',
    headers: { 'x-sandbox-openid': openid },
  });
  if (res.status !== 302) throw new Error(`authorize answered ${res.status}: ${await res.text()}`);
  const location = new URL(res.headers.get('location')!);
  return { location, code: location.searchParams.get('code')!, state: location.searchParams.get('state')! };
}

/** The href of the first link in a text reply. */
export function linkIn(text: string | undefined): string {
  const href = /<a href="([^"]+)">/.exec(text ?? '')?.[1];
  if (!href) throw new Error(`no link in ${text}`);
  return href;
}
