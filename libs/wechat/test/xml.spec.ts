import {
  buildNewsReply,
  buildTextReply,
  buildXml,
  cdata,
  MalformedXmlError,
  parseXml,
  UnsafeXmlError,
  WeChatArgumentError,
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
  ])('refuses %s', (_label, xml, construct) => {
    expect(() => parseXml(xml)).toThrow(UnsafeXmlError);
    expect(() => parseXml(xml)).toThrow(construct);
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

  it('never lets an element named __proto__ touch the prototype', () => {
    const sut = parseXml('<xml><__proto__><polluted>1</polluted></__proto__></xml>');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(sut)).toBe(Object.prototype);
  });
});

describe('cdata', () => {
  it('splits ]]> so that it survives a round trip', () => {
    const text = 'a]]>b]]]]>c]]>';
    const xml = `<xml><A>${cdata(text)}</A></xml>`;
    expect(parseXml(xml).A).toBe(text);
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
