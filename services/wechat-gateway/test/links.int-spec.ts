import { LinkOpenCodes, Requests, ReplyCodes, type LinkOpenRequest } from '@mirror/contracts';
import { RefusalError } from '@mirror/nats';
import { GatewayHarness } from './support/gateway-harness';

const LINK = 'scene-abc.1a2b3c.AAAAAAAAAAA.tagtagtagtagtagtagtagta';

describe('LinksController', () => {
  let sut: GatewayHarness;
  const asked: LinkOpenRequest[] = [];
  let answer: (r: LinkOpenRequest) => Promise<{ location: string }>;

  beforeAll(async () => {
    sut = await GatewayHarness.start({
      env: { WECHAT_MP_VERIFY_TOKEN: 'Ab12Cd34', WECHAT_MP_VERIFY_CONTENT: 'Ab12Cd34-content' },
    });
    sut.bus.serve(Requests.linkOpen, async (request) => {
      asked.push(request);
      return answer(request);
    });
    await sut.bus.nc.flush();
  });
  afterAll(async () => {
    await sut?.stop();
  });
  beforeEach(() => {
    asked.length = 0;
  });

  const get = (path: string) => fetch(`${sut.url}${path}`, { redirect: 'manual' });

  it('redirects a photo link to where binding says it leads now (WeChat OAuth with a fresh state)', async () => {
    answer = async () => ({ location: 'https://open.weixin.qq.com/connect/oauth2/authorize?state=fresh' });
    const res = await get(`/link/${LINK}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(
      'https://open.weixin.qq.com/connect/oauth2/authorize?state=fresh',
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(asked).toEqual([{ v: 1, link: LINK, target: 'page' }]);
  });

  it('redirects the picture link to a fresh thumbnail URL', async () => {
    answer = async () => ({ location: 'https://photos.example.com/p/thumb.jpg?X-Amz-Expires=600' });
    const res = await get(`/link/${LINK}/picture`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://photos.example.com/p/thumb.jpg?X-Amz-Expires=600');
    expect(asked).toEqual([{ v: 1, link: LINK, target: 'picture' }]);
  });

  it.each([
    [LinkOpenCodes.expired, 410, '链接已过期'],
    [LinkOpenCodes.forged, 403, '链接无效'],
    [ReplyCodes.notFound, 404, '找不到试衣记录'],
  ])('shows a page saying why for binding refusal %s', async (code, status, title) => {
    answer = async () => {
      throw new RefusalError(code, 'no');
    };
    const res = await get(`/link/${LINK}`);
    expect(res.status).toBe(status);
    expect(await res.text()).toContain(title);
    expect(await sut.metric('wechat_links_opened_total', { target: 'page' })).toBeGreaterThan(0);
  });

  it('answers 503 when binding does not answer, and refuses what cannot be a link without asking', async () => {
    answer = () => new Promise(() => undefined);
    const slow = await fetch(`${sut.url}/link/${LINK}/picture`, { redirect: 'manual' });
    expect(slow.status).toBe(503);
    asked.length = 0;
    const junk = await get(`/link/${'x'.repeat(200)}`);
    expect(junk.status).toBe(403);
    expect(asked).toHaveLength(0);
  }, 15_000);

  it('serves the configured MP_verify file at the root and nothing for another name', async () => {
    const res = await get('/MP_verify_Ab12Cd34.txt');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('Ab12Cd34-content');
    expect((await get('/MP_verify_Zz99.txt')).status).toBe(404);
  });
});

describe('MpVerifyController without a token configured', () => {
  it('serves no MP_verify file', async () => {
    const sut = await GatewayHarness.start();
    try {
      expect((await fetch(`${sut.url}/MP_verify_Ab12Cd34.txt`)).status).toBe(404);
    } finally {
      await sut.stop();
    }
  });
});
