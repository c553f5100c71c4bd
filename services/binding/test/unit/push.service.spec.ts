import { Test } from '@nestjs/testing';
import type { PassiveReply } from '@mirror/contracts';
import { LOGGER, ManualClock, MetricsService, Clock } from '@mirror/platform';
import { testLogger } from '@mirror/testing';
import { TokenStoreUnavailableError, WeChatApiError, WeChatTransportError } from '@mirror/wechat';
import { CustomerRepository, type MessagingWindow } from '../../src/customers/customer.repository';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { PushRepository } from '../../src/push/push.repository';
import { PushService } from '../../src/push/push.service';
import { PushNotDeliveredError } from '../../src/shared/errors';
import { WeChatRepository } from '../../src/wechat/wechat.repository';
import { InMemoryPushRepository, InlineUnitOfWork } from '../support/in-memory';

const NOW = new Date('2026-11-23T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const NEWS: PassiveReply = {
  type: 'news',
  articles: [{ title: 't', description: 'd', url: 'https://open.example.com/connect/oauth2/authorize' }],
};

type User = Omit<MessagingWindow, 'openid'>;

/** PushService over in-memory repositories and a scripted WeChat. */
async function build(user: User | null, send: () => Promise<void> = async () => undefined) {
  const pushes = new InMemoryPushRepository();
  const customers: Pick<CustomerRepository, 'lockWindow'> = {
    lockWindow: async (openid) => (user ? { openid, ...user } : null),
  };
  const sent: string[] = [];
  const wechat: Pick<WeChatRepository, 'sendNews' | 'sendText'> = {
    sendNews: async (openid) => {
      await send();
      sent.push(openid);
    },
    sendText: async (openid) => {
      await send();
      sent.push(openid);
    },
  };
  const moduleRef = await Test.createTestingModule({
    providers: [
      PushService,
      { provide: UnitOfWork, useValue: new InlineUnitOfWork() },
      { provide: PushRepository, useValue: pushes },
      { provide: CustomerRepository, useValue: customers },
      { provide: WeChatRepository, useValue: wechat },
      { provide: Clock, useValue: new ManualClock(NOW.getTime()) },
      MetricsService,
      { provide: LOGGER, useValue: testLogger() },
    ],
  }).compile();
  return { sut: moduleRef.get(PushService), records: pushes.records, sent };
}

const following: User = { subscribed: true, lastInteractionAt: ago(5_000), burstStartedAt: ago(5_000) };

describe(PushService.name, () => {
  it('sends once per event', async () => {
    const { sut, sent, records } = await build(following);
    expect(await sut.push('e1', 'oUser0001', NEWS)).toBe('sent');
    expect(await sut.push('e1', 'oUser0001', NEWS)).toBe('already');
    expect(sent).toEqual(['oUser0001']);
    expect(records.get('e1')?.status).toBe('sent');
  });

  it('sends nothing for an empty reply', async () => {
    const { sut, records } = await build(following);
    expect(await sut.push('e1', 'oUser0001', { type: 'none' })).toBe('nothing');
    expect(records.size).toBe(0);
  });

  it('does not attempt a fourth message in the minute after a scan', async () => {
    const { sut, sent, records } = await build(following);
    for (const id of ['e1', 'e2', 'e3', 'e4']) await sut.push(id, 'oUser0001', NEWS);
    expect(sent).toHaveLength(3);
    expect(records.get('e4')?.status).toBe('skipped');
  });

  it('allows more messages once the minute after the scan is over', async () => {
    const { sut, sent } = await build({ ...following, burstStartedAt: ago(61_000) });
    for (const id of ['e1', 'e2', 'e3', 'e4']) await sut.push(id, 'oUser0001', NEWS);
    expect(sent).toHaveLength(4);
  });

  it('does not attempt a message outside the 48-hour window or to someone who unfollowed', async () => {
    const late = await build({ ...following, lastInteractionAt: ago(49 * 3600_000), burstStartedAt: null });
    expect(await late.sut.push('e1', 'oUser0001', NEWS)).toBe('skipped');
    const gone = await build({ ...following, subscribed: false });
    expect(await gone.sut.push('e1', 'oUser0001', NEWS)).toBe('skipped');
    expect([...late.sent, ...gone.sent]).toEqual([]);
  });

  it('does not attempt a message to a user it has never seen', async () => {
    const { sut, sent, records } = await build(null);
    expect(await sut.push('e1', 'oUser0001', NEWS)).toBe('skipped');
    expect(sent).toEqual([]);
    expect(records.get('e1')?.status).toBe('skipped');
  });

  it('gives the event back for a retry when WeChat certainly did not get the message', async () => {
    const { sut, records } = await build(following, async () => {
      throw new TokenStoreUnavailableError('read', 'timeout');
    });
    await expect(sut.push('e1', 'oUser0001', NEWS)).rejects.toBeInstanceOf(PushNotDeliveredError);
    expect(records.has('e1')).toBe(false);
  });

  it('never retries a message that may have arrived', async () => {
    const { sut, records } = await build(following, async () => {
      throw new WeChatTransportError('/cgi-bin/message/custom/send', 'timeout', 'no answer in 5000 ms');
    });
    expect(await sut.push('e1', 'oUser0001', NEWS)).toBe('unknown');
    expect(await sut.push('e1', 'oUser0001', NEWS)).toBe('already');
    expect(records.get('e1')?.status).toBe('unknown');
  });

  it('records a refusal by WeChat with its errcode', async () => {
    const { sut, records } = await build(following, async () => {
      throw new WeChatApiError(45015, 'response out of time limit', '/cgi-bin/message/custom/send');
    });
    expect(await sut.push('e1', 'oUser0001', NEWS)).toBe('failed');
    expect(records.get('e1')).toMatchObject({ status: 'failed', errcode: 45015 });
  });
});
