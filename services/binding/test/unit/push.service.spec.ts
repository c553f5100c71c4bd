import type { PassiveReply } from '@mirror/contracts';
import { MetricsService } from '@mirror/platform';
import { testLogger } from '@mirror/testing';
import { TokenStoreUnavailableError, WeChatApiError, WeChatTransportError } from '@mirror/wechat';
import type { DataSource } from 'typeorm';
import type { CustomerRepository } from '../../src/customers/customer.repository';
import type { PushStatus } from '../../src/database/entities/push-record.entity';
import type { PushRepository } from '../../src/push/push.repository';
import { PushService } from '../../src/push/push.service';
import type { Clock } from '../../src/shared/clock';
import { PushNotDeliveredError } from '../../src/shared/errors';
import type { WeChatRepository } from '../../src/wechat/wechat.repository';

const NOW = new Date('2026-11-23T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const NEWS: PassiveReply = {
  type: 'news',
  articles: [{ title: 't', description: 'd', url: 'https://open.example.com/connect/oauth2/authorize' }],
};

interface User {
  subscribed: boolean;
  lastInteractionAt: Date | null;
  burstStartedAt: Date | null;
}

/** PushService over in-memory repositories and a scripted WeChat. */
function build(user: User | null, send: () => Promise<void> = async () => undefined) {
  const records = new Map<string, { status: PushStatus; createdAt: Date; errcode?: number }>();
  const pushes = {
    exists: async (_em: unknown, id: string) => records.get(id) ?? null,
    countSince: async (_em: unknown, _openid: string, since: Date) =>
      [...records.values()].filter(
        (r) => r.createdAt >= since && ['sending', 'sent', 'unknown'].includes(r.status),
      ).length,
    insert: async (_em: unknown, r: { eventId: string; status: PushStatus; at: Date }) =>
      void records.set(r.eventId, { status: r.status, createdAt: r.at }),
    finish: async (_em: unknown, id: string, status: PushStatus, _at: Date, d: { errcode?: number } = {}) =>
      void records.set(id, { ...records.get(id)!, status, errcode: d.errcode }),
    release: async (_em: unknown, id: string) => void records.delete(id),
  } as unknown as PushRepository;
  const customers = { lockUser: async () => user } as unknown as CustomerRepository;
  const sent: string[] = [];
  const wechat = {
    sendNews: async (openid: string) => {
      await send();
      sent.push(openid);
    },
    sendText: async (openid: string) => {
      await send();
      sent.push(openid);
    },
  } as unknown as WeChatRepository;
  const dataSource = {
    transaction: (fn: (em: unknown) => unknown) => fn({}),
    manager: {},
  } as unknown as DataSource;
  const clock = { now: () => NOW } as Clock;
  const sut = new PushService(
    dataSource,
    pushes,
    customers,
    wechat,
    clock,
    new MetricsService(),
    testLogger(),
  );
  return { sut, records, sent };
}

const following: User = { subscribed: true, lastInteractionAt: ago(5_000), burstStartedAt: ago(5_000) };

describe(PushService.name, () => {
  it('sends once per event', async () => {
    const { sut, sent, records } = build(following);
    expect(await sut.push('e1', 'oUser0001', NEWS)).toBe('sent');
    expect(await sut.push('e1', 'oUser0001', NEWS)).toBe('already');
    expect(sent).toEqual(['oUser0001']);
    expect(records.get('e1')?.status).toBe('sent');
  });

  it('sends nothing for an empty reply', async () => {
    const { sut, records } = build(following);
    expect(await sut.push('e1', 'oUser0001', { type: 'none' })).toBe('nothing');
    expect(records.size).toBe(0);
  });

  it('does not attempt a fourth message in the minute after a scan', async () => {
    const { sut, sent, records } = build(following);
    for (const id of ['e1', 'e2', 'e3', 'e4']) await sut.push(id, 'oUser0001', NEWS);
    expect(sent).toHaveLength(3);
    expect(records.get('e4')?.status).toBe('skipped');
  });

  it('allows more messages once the minute after the scan is over', async () => {
    const { sut, sent } = build({ ...following, burstStartedAt: ago(61_000) });
    for (const id of ['e1', 'e2', 'e3', 'e4']) await sut.push(id, 'oUser0001', NEWS);
    expect(sent).toHaveLength(4);
  });

  it('does not attempt a message outside the 48-hour window or to someone who unfollowed', async () => {
    const late = build({ ...following, lastInteractionAt: ago(49 * 3600_000), burstStartedAt: null });
    expect(await late.sut.push('e1', 'oUser0001', NEWS)).toBe('skipped');
    const gone = build({ ...following, subscribed: false });
    expect(await gone.sut.push('e1', 'oUser0001', NEWS)).toBe('skipped');
    expect([...late.sent, ...gone.sent]).toEqual([]);
  });

  it('gives the event back for a retry when WeChat certainly did not get the message', async () => {
    const { sut, records } = build(following, async () => {
      throw new TokenStoreUnavailableError('read', 'timeout');
    });
    await expect(sut.push('e1', 'oUser0001', NEWS)).rejects.toBeInstanceOf(PushNotDeliveredError);
    expect(records.has('e1')).toBe(false);
  });

  it('never retries a message that may have arrived', async () => {
    const { sut, records } = build(following, async () => {
      throw new WeChatTransportError('/cgi-bin/message/custom/send', 'timeout', 'no answer in 5000 ms');
    });
    expect(await sut.push('e1', 'oUser0001', NEWS)).toBe('unknown');
    expect(await sut.push('e1', 'oUser0001', NEWS)).toBe('already');
    expect(records.get('e1')?.status).toBe('unknown');
  });

  it('records a refusal by WeChat with its errcode', async () => {
    const { sut, records } = build(following, async () => {
      throw new WeChatApiError(45015, 'response out of time limit', '/cgi-bin/message/custom/send');
    });
    expect(await sut.push('e1', 'oUser0001', NEWS)).toBe('failed');
    expect(records.get('e1')).toMatchObject({ status: 'failed', errcode: 45015 });
  });
});
