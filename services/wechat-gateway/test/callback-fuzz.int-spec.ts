import fc from 'fast-check';
import { buildXml } from '@mirror/wechat';
import { GatewayHarness } from './support/gateway-harness';

const OPENID = 'oFuzz_0123456789';

/** A few real callbacks to mutate. */
const SEEDS = [
  { MsgType: 'event', Event: 'subscribe', EventKey: 'qrscene_seed1', Ticket: 'tkt' },
  { MsgType: 'event', Event: 'SCAN', EventKey: 'seed2', Ticket: 'tkt' },
  { MsgType: 'event', Event: 'user_scan_product', KeyStandard: 'ean13', KeyStr: '123', ExtInfo: 'x' },
  { MsgType: 'text', Content: '照片 <b>&amp;', MsgId: '1234567890123456' },
  { MsgType: 'event', Event: 'unsubscribe' },
];

const nasty = fc.constantFrom(
  '<',
  '>',
  '&',
  '&amp;',
  '&#0;',
  '&#x110000;',
  '&lol;',
  ']]>',
  '<![CDATA[',
  '<!--',
  '-->',
  '<!DOCTYPE x>',
  '<!ENTITY e "x">',
  '<?xml version="1.0"?>',
  '</xml>',
  '<xml>',
  '<__proto__>1</__proto__>',
  '<constructor>x</constructor>',
  '<MsgType>event</MsgType>',
  '<Event>SCAN</Event>',
  '<EventKey></EventKey>',
  '<FromUserName><a>b</a></FromUserName>',
  '<CreateTime>99999999999999</CreateTime>',
  '\u0000',
  '\uFFFF',
  '\uD800',
  '"',
  "'",
  '='.repeat(3),
  '<a'.repeat(50),
);

/** A mutation of a seed callback: cut, insert, duplicate or replace a slice. */
const mutatedXml = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(
      fc.tuple(
        fc.constantFrom('cut', 'insert', 'duplicate', 'replace'),
        fc.nat(),
        fc.nat({ max: 40 }),
        fc.oneof(nasty, fc.string({ maxLength: 12 }), fc.fullUnicodeString({ maxLength: 6 })),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([seed, mutations]) => {
    let xml = buildXml({ ToUserName: 'gh_fuzz', FromUserName: OPENID, CreateTime: 1700000000, ...seed });
    for (const [kind, at, length, text] of mutations) {
      const i = at % (xml.length + 1);
      const j = Math.min(xml.length, i + length);
      if (kind === 'cut') xml = xml.slice(0, i) + xml.slice(j);
      else if (kind === 'insert') xml = xml.slice(0, i) + text + xml.slice(i);
      else if (kind === 'duplicate') xml = xml.slice(0, j) + xml.slice(i, j) + xml.slice(j);
      else xml = xml.slice(0, i) + text + xml.slice(j);
    }
    return xml;
  });

const anyBody = fc.oneof(
  { weight: 4, arbitrary: mutatedXml },
  { weight: 1, arbitrary: fc.fullUnicodeString({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
);

/** Random and mutated XML, correctly signed (and encrypted), never crashes the gateway into a 5xx. */
describe.each([
  ['plaintext', null],
  ['safe', undefined],
] as const)('CallbackController under fuzzing (%s mode)', (_mode, aesKey) => {
  let sut: GatewayHarness;

  beforeAll(async () => {
    sut = await GatewayHarness.start({ aesKey, binding: false });
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('answers random and mutated callbacks with 200 or a 4xx, never a 5xx', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(anyBody, async (body) => {
        let res: { status: number };
        if (Buffer.isBuffer(body)) {
          // Bytes that may not be UTF-8 at all: only the plaintext envelope can carry them.
          const { query } = sut.signer.sign('', { mode: 'plain' });
          res = await sut.raw('POST', query, body);
        } else {
          res = await sut.post(body);
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        return [200, 400, 413].includes(res.status);
      }),
      { numRuns: 250 },
    );
    // The generator reaches both sides: some mutations stay valid callbacks, most are refused.
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
  });
});
