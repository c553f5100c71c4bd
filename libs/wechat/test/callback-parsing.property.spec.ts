import fc from 'fast-check';
import {
  buildTextReply,
  buildXml,
  parseCallbackMessage,
  parseXml,
  WeChatCallbackError,
} from '@mirror/wechat';

/** Runs the parser; anything thrown must be one of the typed callback errors. */
function parsesOrRejectsTyped(input: string | Uint8Array): boolean {
  try {
    parseCallbackMessage(input);
    return true;
  } catch (error) {
    if (error instanceof WeChatCallbackError) return true;
    throw error;
  }
}

const names = fc.constantFrom(
  'xml',
  'ToUserName',
  'FromUserName',
  'CreateTime',
  'MsgType',
  'Event',
  'EventKey',
  'Ticket',
  'MsgId',
  'Content',
  'KeyStandard',
  'KeyStr',
  '__proto__',
  'constructor',
  'a',
);
const values = fc.oneof(
  fc.constantFrom(
    'event',
    'text',
    'subscribe',
    'SCAN',
    'unsubscribe',
    'user_scan_product',
    'qrscene_',
    '1700000000',
  ),
  fc.string(),
  fc.fullUnicodeString({ maxLength: 20 }),
);
const leaf = fc
  .tuple(names, values, fc.boolean())
  .map(([n, v, asCdata]) => (asCdata ? `<${n}><![CDATA[${v}]]></${n}>` : `<${n}>${v}</${n}>`));
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .tuple(names, fc.array(tie('tree'), { maxLength: 5 }))
      .map(([n, children]) => `<${n}>${children.join('')}</${n}>`),
  ),
}));
const document = fc.array(tree, { maxLength: 8 }).map((children) => `<xml>${children.join('')}</xml>`);

/** Fragments that stress a parser: markup, declarations, entities, CDATA ends. */
const hostile = fc.constantFrom(
  '<',
  '>',
  '</',
  '/>',
  '&',
  '&amp;',
  '&#x0;',
  '&#1114112;',
  '&lol;',
  ']]>',
  '<![CDATA[',
  '<!--',
  '-->',
  '<!DOCTYPE x [<!ENTITY e "e">]>',
  '<!ENTITY e SYSTEM "file:///etc/passwd">',
  '<?xml version="1.0"?>',
  '<?php ?>',
  '\u0000',
  '\uFFFF',
  '\uD800',
  '"',
  "'",
  '=',
  ' a="b"',
  '<xml>',
  '</xml>',
);
const mutation = fc.oneof(
  fc.tuple(fc.nat(), fc.nat({ max: 20 })).map(([at, len]) => (s: string) => {
    const i = at % (s.length + 1);
    return s.slice(0, i) + s.slice(i + len);
  }),
  fc.tuple(fc.nat(), hostile).map(([at, text]) => (s: string) => {
    const i = at % (s.length + 1);
    return s.slice(0, i) + text + s.slice(i);
  }),
  fc.nat().map((at) => (s: string) => s.slice(0, at % (s.length + 1))),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => (s: string) => {
    const i = a % (s.length + 1);
    const j = b % (s.length + 1);
    return s.slice(0, Math.min(i, j)) + s.slice(Math.max(i, j)) + s.slice(Math.min(i, j), Math.max(i, j));
  }),
);
const validCallback = fc
  .record({
    ToUserName: fc.string({ minLength: 1 }),
    FromUserName: fc.string({ minLength: 1 }),
    CreateTime: fc.integer({ min: 0, max: 2 ** 31 }),
    MsgType: fc.constantFrom('event', 'text', 'image'),
    Event: fc.constantFrom('subscribe', 'SCAN', 'unsubscribe', 'user_scan_product', 'CLICK'),
    EventKey: fc.oneof(
      fc.string(),
      fc.string().map((s) => `qrscene_${s}`),
    ),
    Ticket: fc.string(),
    Content: fc.fullUnicodeString(),
    MsgId: fc.bigUintN(64).map(String),
  })
  .map((fields) => buildXml(fields));

describe('callback parsing (property)', () => {
  it('never throws anything but a typed error on random text', () => {
    fc.assert(fc.property(fc.fullUnicodeString({ maxLength: 400 }), parsesOrRejectsTyped), { numRuns: 2000 });
  });

  it('never throws anything but a typed error on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), parsesOrRejectsTyped), { numRuns: 1000 });
  });

  it('never throws anything but a typed error on generated XML-like documents', () => {
    fc.assert(fc.property(document, parsesOrRejectsTyped), { numRuns: 2000 });
  });

  it('never throws anything but a typed error on mutated callbacks', () => {
    fc.assert(
      fc.property(validCallback, fc.array(mutation, { minLength: 1, maxLength: 5 }), (xml, mutations) =>
        parsesOrRejectsTyped(mutations.reduce((s, mutate) => mutate(s), xml)),
      ),
      { numRuns: 3000 },
    );
  });

  it('parses every well-formed generated callback without an XML error', () => {
    fc.assert(
      fc.property(validCallback, (xml) => {
        try {
          parseCallbackMessage(xml);
        } catch (error) {
          // Missing/empty fields are allowed to fail, broken XML is not.
          return error instanceof WeChatCallbackError && error.reason === 'invalid-message';
        }
        return true;
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips any reply text through CDATA, ]]> included', () => {
    // Characters XML 1.0 cannot carry are dropped on purpose; everything else must survive.
    const carriable = fc
      .fullUnicodeString({ minLength: 1 })
      // eslint-disable-next-line no-control-regex
      .filter((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(s));
    fc.assert(
      fc.property(
        fc.oneof(
          carriable,
          carriable.map((s) => `${s}]]>${s}`),
        ),
        (content) => {
          const xml = buildTextReply({ toUser: 'o', fromUser: 'gh', createTime: 1, content });
          return parseXml(xml).Content === content;
        },
      ),
      { numRuns: 1000 },
    );
  });
});
