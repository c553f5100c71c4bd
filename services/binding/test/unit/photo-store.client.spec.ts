import { Test } from '@nestjs/testing';
import { NatsClient, RequestTimeoutError } from '@mirror/nats';
import { Clock, ManualClock } from '@mirror/platform';
import { PhotoStoreUnavailableError } from '../../src/shared/errors';
import { PhotoStoreClient } from '../../src/shared/photo-store.client';
import { PHOTO_STORE_SETTINGS, type PhotoStoreSettings } from '../../src/shared/photo-store.settings';

const TTL_SECONDS = 600;

/** PhotoStoreClient over a scripted photo-store that signs a new URL on every request. */
async function build() {
  const clock = new ManualClock(Date.parse('2026-11-23T12:00:00Z'));
  const asked: string[] = [];
  let failNext = false;
  const nats = {
    request: async (contract: { subject: string }, payload: { photoId: string; variant?: string }) => {
      asked.push(`${contract.subject} ${payload.variant ?? ''}:${payload.photoId}`);
      await new Promise((r) => setImmediate(r));
      if (failNext) {
        failNext = false;
        throw new RequestTimeoutError(contract.subject, 800);
      }
      if (contract.subject.endsWith('photo.delete')) return { photoId: payload.photoId, deleted: true };
      return { url: `https://s3.example.com/${payload.variant}/${payload.photoId}?sig=${asked.length}` };
    },
  };
  const settings: PhotoStoreSettings = { urlTtlSeconds: TTL_SECONDS, timeoutMs: 3000 };
  const moduleRef = await Test.createTestingModule({
    providers: [
      PhotoStoreClient,
      { provide: NatsClient, useValue: nats },
      { provide: Clock, useValue: clock },
      { provide: PHOTO_STORE_SETTINGS, useValue: settings },
    ],
  }).compile();
  return {
    client: moduleRef.get(PhotoStoreClient),
    asked,
    advance: (ms: number) => clock.advance(ms),
    failNextRequest: () => void (failNext = true),
  };
}

describe('PhotoStoreClient signed URLs', () => {
  it('reuses a URL while half of its lifetime is left, then signs a new one', async () => {
    const { client, asked, advance } = await build();
    const first = await client.url('p1', 'thumb');
    advance((TTL_SECONDS * 1000) / 2 - 1);
    expect(await client.url('p1', 'thumb')).toBe(first);
    expect(asked).toHaveLength(1);
    advance(2);
    const second = await client.url('p1', 'thumb');
    expect(second).not.toBe(first);
    expect(asked).toHaveLength(2);
  });

  it('keeps variants and photos apart', async () => {
    const { client, asked } = await build();
    const urls = await Promise.all([
      client.url('p1', 'thumb'),
      client.url('p1', 'display'),
      client.url('p2', 'thumb'),
    ]);
    expect(new Set(urls).size).toBe(3);
    expect(asked).toHaveLength(3);
  });

  it('asks photo-store once for concurrent requests of the same URL', async () => {
    const { client, asked } = await build();
    const urls = await Promise.all(Array.from({ length: 5 }, () => client.url('p1', 'thumb')));
    expect(new Set(urls).size).toBe(1);
    expect(asked).toEqual([expect.stringContaining('thumb:p1')]);
  });

  it('remembers nothing from a failed request', async () => {
    const { client, asked, failNextRequest } = await build();
    failNextRequest();
    await expect(client.url('p1', 'thumb')).rejects.toBeInstanceOf(PhotoStoreUnavailableError);
    await expect(client.url('p1', 'thumb')).resolves.toContain('/thumb/p1');
    expect(asked).toHaveLength(2);
  });

  it('forgets the URLs of a photo it deletes', async () => {
    const { client, asked } = await build();
    const before = await client.url('p1', 'display');
    await expect(client.delete('p1')).resolves.toBe(true);
    expect(await client.url('p1', 'display')).not.toBe(before);
    expect(asked.filter((a) => a.includes('photo.url'))).toHaveLength(2);
  });
});
