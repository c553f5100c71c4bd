import type { INestApplication } from '@nestjs/common';
import { Events, Requests } from '@mirror/contracts';
import { waitFor } from '@mirror/testing';
import { RetentionService } from '../src/retention/retention.service';
import { BindingHarness } from './support/binding-harness';
import { consent, replyOf } from './support/replies';
import { caughtUp } from './support/state';

const MIRROR = 'retention-mirror-1';
const HOUR = 3600_000;

describe(RetentionService.name, () => {
  let h: BindingHarness;
  let replicas: INestApplication[];

  beforeAll(async () => {
    h = await BindingHarness.create();
    // two replicas starting together on an empty database: the migration lock lets one apply the schema
    replicas = await Promise.all([h.start(), h.start()]);
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  /** A visit that happened `hoursAgo`, with its QR code and photos. */
  async function visit(hoursAgo: number, photos: number) {
    const s = h.newSession(MIRROR);
    const at = Date.now() - hoursAgo * HOUR;
    await h.publish(Events.sessionStarted, { ...s.started, at: new Date(at).toISOString() });
    await h.publish(Events.qrIssued, s.qr);
    const ids: string[] = [];
    for (let i = 0; i < photos; i++) {
      const photo = h.photo(MIRROR, s.sessionId, new Date(at + (i + 1) * 1000));
      ids.push(photo.photoId);
      await h.publish(Events.photoStored, photo);
    }
    await caughtUp(h);
    return { ...s, photos: ids };
  }

  const status = async (ids: string[]) =>
    (await h.rows<{ status: string }>('SELECT status FROM photos WHERE id = ANY($1)', [ids])).map(
      (r) => r.status,
    );

  it('deletes exactly the expired photos nobody confirmed, once, with two replicas sweeping', async () => {
    const claimedOnly = await visit(100, 2);
    await h.sandbox.scan({ openid: 'oBobRetention00000000001', ticket: claimedOnly.ticket });
    const confirmed = await visit(100, 2);
    const link = replyOf(
      await h.sandbox.scan({ openid: 'oAliceRetention000000001', ticket: confirmed.ticket }),
    ).url!;
    await h.bus.request(Requests.oauthConfirm, await consent(link, 'oAliceRetention000000001'));
    const fresh = await visit(1, 1);
    const orphan = h.photo('retention-mirror-2', undefined, new Date(Date.now() - 100 * HOUR));
    await h.publish(Events.photoStored, orphan);
    // a customer deletion photo-store never confirmed: hidden at once, finished by the sweep
    await h.photoStore.stop();
    await expect(
      h.bus.request(Requests.bindingPhotoDelete, {
        openid: 'oAliceRetention000000001',
        photoId: confirmed.photos[1],
      }),
    ).resolves.toEqual({ deleted: true });
    h.photoStore.start();
    await h.pg.query(`UPDATE photos SET delete_requested_at = now() - interval '2 minutes' WHERE id = $1`, [
      confirmed.photos[1],
    ]);
    await caughtUp(h);
    await waitFor(async () => (await status([orphan.photoId])).length === 1);

    const sweeps = replicas.flatMap((app) => [
      app.get(RetentionService).sweep(),
      app.get(RetentionService).sweep(),
    ]);
    const reports = (await Promise.all(sweeps)).filter((r) => r !== null);
    expect(reports.length).toBeGreaterThanOrEqual(1);
    expect(reports.reduce((n, r) => n + r.deleted, 0)).toBe(4);

    const expected = [...claimedOnly.photos, orphan.photoId, confirmed.photos[1]].sort();
    expect([...h.photoStore.deleted].sort()).toEqual(expected);
    expect(await status([...claimedOnly.photos, orphan.photoId])).toEqual(['deleted', 'deleted', 'deleted']);
    expect(await status([confirmed.photos[0], ...fresh.photos])).toEqual(['stored', 'stored']);
    expect(await h.rows('SELECT deleted_reason FROM photos WHERE id = $1', [confirmed.photos[1]])).toEqual([
      { deleted_reason: 'customer' },
    ]);

    // the sessions stay for statistics, the purged one marked so
    const sessions = await h.rows<{ id: string; photos_purged_at: Date | null }>(
      'SELECT id, photos_purged_at FROM sessions WHERE id = ANY($1) ORDER BY id',
      [[claimedOnly.sessionId, confirmed.sessionId, fresh.sessionId]],
    );
    expect(sessions).toHaveLength(3);
    expect(sessions.filter((s) => s.photos_purged_at !== null).map((s) => s.id)).toEqual([
      claimedOnly.sessionId,
    ]);

    // later sweeps find nothing left to do
    await Promise.all(replicas.map((app) => app.get(RetentionService).sweep()));
    expect(h.photoStore.deleted).toHaveLength(4);
  });
});
