import { buildXml, parseCallbackMessage, parseXml, xmlText, type XmlRecord } from '@mirror/wechat';
import { renderPassiveReply } from '../../src/callback/passive-reply.renderer';

const message = parseCallbackMessage(
  buildXml({
    ToUserName: 'gh_account',
    FromUserName: 'oCustomer_012345',
    CreateTime: 1,
    MsgType: 'text',
    Content: 'x',
    MsgId: '1',
  }),
);
const NOW = 1_700_000_000_000;

describe(renderPassiveReply.name, () => {
  it('addresses the reply back to the sender, from the account', () => {
    const sut = parseXml(renderPassiveReply({ type: 'text', content: 'hi' }, message, NOW)!);
    expect(xmlText(sut, 'ToUserName')).toBe('oCustomer_012345');
    expect(xmlText(sut, 'FromUserName')).toBe('gh_account');
    expect(xmlText(sut, 'CreateTime')).toBe('1700000000');
  });

  it('keeps text containing ]]> and markup intact', () => {
    const content = 'a ]]> b <xml></xml> &amp; ]]]]>';
    const sut = parseXml(renderPassiveReply({ type: 'text', content }, message, NOW)!);
    expect(xmlText(sut, 'Content')).toBe(content);
  });

  it('renders a news reply with title, description, picture and link', () => {
    const xml = renderPassiveReply(
      {
        type: 'news',
        articles: [
          { title: 'T ]]>', description: 'D', picUrl: 'https://p/x.jpg', url: 'https://u/?a=1&b=2' },
        ],
      },
      message,
      NOW,
    )!;
    const sut = parseXml(xml);
    expect(xmlText(sut, 'MsgType')).toBe('news');
    expect(xmlText(sut, 'ArticleCount')).toBe('1');
    const item = (sut.Articles as XmlRecord).item as XmlRecord;
    expect([
      xmlText(item, 'Title'),
      xmlText(item, 'Description'),
      xmlText(item, 'PicUrl'),
      xmlText(item, 'Url'),
    ]).toEqual(['T ]]>', 'D', 'https://p/x.jpg', 'https://u/?a=1&b=2']);
  });

  it('renders nothing for "none", which is answered with success', () => {
    expect(renderPassiveReply({ type: 'none' }, message, NOW)).toBeNull();
  });
});
