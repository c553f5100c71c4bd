import type { LooksState } from '@mirror/contracts';
import { ManualClock } from '@mirror/platform';
import pino from 'pino';
import { ulid } from 'ulid';
import type { FavouriteRepository, SessionLook } from '../../src/photos/favourite.repository';
import type { PhotoService } from '../../src/photos/photo.service';
import type { PhotoStoreClient } from '../../src/shared/photo-store.client';
import type { LooksPublisher } from '../../src/looks/looks.publisher';
import type { Snapshot, StoredMirrorLooks, LooksRepository } from '../../src/looks/looks.repository';
import { LooksService } from '../../src/looks/looks.service';
import { emptyLooks } from '../../src/looks/looks-state';

const MIRROR = 'm-1';

/** Redis' compare-and-set over one value; `interfere` runs once just before the next save, as another replica would. */
class FakeLooksRepository {
  raw = '';
  interfere?: () => void;
  saves = 0;

  async read(): Promise<Snapshot> {
    if (!this.raw) return { value: { state: emptyLooks(), pending: [] }, raw: '' };
    return { value: JSON.parse(this.raw) as StoredMirrorLooks, raw: this.raw };
  }

  async save(_mirrorId: string, read: Snapshot, next: StoredMirrorLooks): Promise<boolean> {
    const interfere = this.interfere;
    this.interfere = undefined;
    interfere?.();
    if (this.raw !== read.raw) return false;
    this.saves++;
    this.raw = JSON.stringify(next);
    return true;
  }

  async markOpen(): Promise<void> {}
  get value(): StoredMirrorLooks {
    return JSON.parse(this.raw) as StoredMirrorLooks;
  }
}

class FakeFavourites {
  readonly looks: SessionLook[] = [];
  readonly writes: { photoId: string; favourite: boolean }[] = [];

  async sessionLooks(): Promise<SessionLook[]> {
    return this.looks.map((l) => ({ ...l }));
  }
  async setForSession(photoId: string, _s: string, favourite: boolean, at: Date): Promise<boolean> {
    this.writes.push({ photoId, favourite });
    const look = this.looks.find((l) => l.photoId === photoId);
    if (look) Object.assign(look, { favourite, favouritedAt: favourite ? at : null });
    return true;
  }
  async sessionProducts() {
    return [];
  }
}

function world() {
  const repo = new FakeLooksRepository();
  const favourites = new FakeFavourites();
  const sent: LooksState[] = [];
  const photosAsked: string[] = [];
  const publisher = {
    state: (s: LooksState) => void sent.push(s),
    takePhoto: (_m: string, _s: string, photoId: string) => void photosAsked.push(photoId),
  };
  const photoStore = { url: async () => Promise.reject(new Error('no photo-store here')) };
  const clock = new ManualClock(Date.UTC(2026, 10, 29, 10));
  const sut = new LooksService(
    repo as unknown as LooksRepository,
    favourites as unknown as FavouriteRepository,
    {} as PhotoService,
    photoStore as unknown as PhotoStoreClient,
    publisher as unknown as LooksPublisher,
    clock,
    {
      countdownSeconds: 3,
      photoWaitMs: 10_000,
      urlTimeoutMs: 10,
      newLookUrlTimeoutMs: 10,
      stateTtlMs: 3600_000,
      refreshMs: 1000,
    },
    pino({ level: 'silent' }),
  );
  const sessionId = ulid(clock.now() - 1000);
  let n = 0;
  const gesture = (g: 'victory' | 'thumbs_up' | 'open_palm' | 'swipe_right') =>
    sut.gesture({
      v: 1,
      commandId: `${sessionId}-${++n}`,
      sessionId,
      mirrorId: MIRROR,
      gesture: g,
      confidence: 0.9,
      at: new Date(clock.now()).toISOString(),
    });
  return { repo, favourites, sent, photosAsked, sut, sessionId, gesture, clock };
}

describe(LooksService.name, () => {
  it('decides again over the newer state when another replica saved first, losing neither command', async () => {
    const w = world();
    await w.sut.sessionStarted({
      v: 1,
      sessionId: w.sessionId,
      mirrorId: MIRROR,
      at: new Date().toISOString(),
    });
    // another replica pauses the mirror between this one's read and its save
    w.repo.interfere = () => {
      const other = w.repo.value;
      w.repo.raw = JSON.stringify({
        ...other,
        state: { ...other.state, version: other.state.version + 1, paused: true, recent: ['elsewhere'] },
      });
    };
    await w.gesture('thumbs_up');
    expect(w.repo.value.state).toMatchObject({ paused: true, countdown: null, feedback: 'ignored-paused' });
    expect(w.repo.value.state.recent).toEqual(['elsewhere', `${w.sessionId}-1`]);
    expect(w.photosAsked).toEqual([]);
    expect(w.sent.at(-1)).toMatchObject({ paused: true, version: w.repo.value.state.version });
  });

  it('carries out effects a crashed change saved but did not do, before the next change', async () => {
    const w = world();
    await w.sut.sessionStarted({
      v: 1,
      sessionId: w.sessionId,
      mirrorId: MIRROR,
      at: new Date().toISOString(),
    });
    w.favourites.looks.push({ photoId: 'l1', takenAt: new Date(), favourite: false, favouritedAt: null });
    // what a replica left behind when it died after saving the change and before writing the favourite
    const left = w.repo.value;
    w.repo.raw = JSON.stringify({
      ...left,
      pending: [{ kind: 'favourite', photoId: 'l1', favourite: true }],
    });
    await w.gesture('swipe_right');
    expect(w.favourites.writes).toEqual([{ photoId: 'l1', favourite: true }]);
    expect(w.repo.value.pending).toEqual([]);
    expect(w.sent.at(-1)?.looks).toEqual([expect.objectContaining({ photoId: 'l1', favourite: true })]);
  });

  it('saves a thumbs-up with its photo owed, asks the mirror, then clears what it owed', async () => {
    const w = world();
    await w.sut.sessionStarted({
      v: 1,
      sessionId: w.sessionId,
      mirrorId: MIRROR,
      at: new Date().toISOString(),
    });
    await w.gesture('thumbs_up');
    expect(w.photosAsked).toEqual([`look-${w.sessionId}-1`]);
    expect(w.repo.value.pending).toEqual([]);
    expect(w.sent.at(-1)?.countdown).toMatchObject({ photoId: `look-${w.sessionId}-1`, seconds: 3 });
  });
});
