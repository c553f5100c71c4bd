import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { GestureRecognised, PhotoStored, SessionEnded, SessionStarted } from '@mirror/contracts';
import { Clock, LOGGER } from '@mirror/platform';
import { FavouriteRepository, type SessionLook } from '../photos/favourite.repository';
import { PhotoService } from '../photos/photo.service';
import { PhotoStoreClient } from '../shared/photo-store.client';
import {
  applyGesture,
  endSession,
  photoIdFor,
  photoStored,
  startSession,
  type Decision,
  type LookEffect,
  type MirrorLooks,
} from './looks-state';
import { LooksPublisher } from './looks.publisher';
import { LooksRepository, type Snapshot } from './looks.repository';
import { LOOKS_SETTINGS, type LooksSettings } from './looks.settings';
import { viewOf, type LookUrls } from './looks.view';

/** Saves that lost to another replica this many times in a row give up (the message is redelivered). */
const MAX_ATTEMPTS = 10;

export class LooksContendedError extends Error {
  constructor(mirrorId: string) {
    super(`the looks state of mirror ${mirrorId} kept changing under this replica; redelivery retries it`);
    this.name = 'LooksContendedError';
  }
}

/**
 * The mirror's looks: gestures, sessions and stored photos change the state kept in Redis (LooksRepository),
 * the effects a change owes (a favourite in Postgres, a photo asked of the mirror) are saved with it and
 * carried out after (so a crash in between only repeats them: both are idempotent), then the whole state
 * goes to the mirror's screen.
 */
@Injectable()
export class LooksService {
  constructor(
    private readonly repo: LooksRepository,
    private readonly favourites: FavouriteRepository,
    private readonly photos: PhotoService,
    private readonly photoStore: PhotoStoreClient,
    private readonly publisher: LooksPublisher,
    private readonly clock: Clock,
    @Inject(LOOKS_SETTINGS) private readonly settings: LooksSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A command gesture (redeliveries and other sessions' gestures change nothing). */
  async gesture(event: GestureRecognised): Promise<void> {
    await this.change(event.mirrorId, async (state) => {
      const looks = await this.favourites.sessionLooks(event.sessionId);
      const command = {
        commandId: event.commandId,
        sessionId: event.sessionId,
        gesture: event.gesture,
        at: event.at,
      };
      return applyGesture(
        state,
        command,
        looks,
        this.clock.now(),
        this.settings,
        photoIdFor(event.commandId),
      );
    });
  }

  async sessionStarted(event: SessionStarted): Promise<void> {
    await this.change(event.mirrorId, async (state) => startSession(state, event.sessionId));
  }

  async sessionEnded(event: SessionEnded): Promise<void> {
    await this.change(event.mirrorId, async (state) => endSession(state, event.sessionId));
  }

  /**
   * A photo of a session: recorded first (the same idempotent write as the photos feature's own consumer,
   * whichever runs first), so the new look is in Postgres when the screen is told about it.
   */
  async photoStored(event: PhotoStored): Promise<void> {
    const sessionId = event.sessionId;
    if (!sessionId) return;
    await this.photos.recordStored(event);
    // no gesture is waiting: the new look may wait for its first signed URLs (later states reuse them)
    await this.change(
      event.mirrorId,
      async (state) => photoStored(state, sessionId, event.photoId),
      this.settings.newLookUrlTimeoutMs,
    );
  }

  /**
   * Sends the state of every mirror with a session on screen again (one replica per period): a mirror that
   * restarted or lost its connection has its screen back within a period, without waiting for a gesture.
   */
  async refresh(replica: string): Promise<number> {
    if (!(await this.repo.takeRefreshTurn(replica, this.settings.refreshMs))) return 0;
    const mirrors = await this.repo.openMirrors(this.clock.now() - this.settings.stateTtlMs);
    for (const mirrorId of mirrors) {
      const { value } = await this.repo.read(mirrorId);
      if (!value.state.open) continue;
      this.publisher.state(await this.render(mirrorId, value.state, this.settings.urlTimeoutMs));
    }
    return mirrors.length;
  }

  private async change(
    mirrorId: string,
    decide: (state: MirrorLooks) => Promise<Decision>,
    urlTimeoutMs = this.settings.urlTimeoutMs,
  ): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const read = await this.repo.read(mirrorId);
      if (read.value.pending.length > 0) {
        // an earlier change saved its effects but did not get to carry them out
        await this.carryOut(mirrorId, read.value.state, read.value.pending);
        await this.repo.save(mirrorId, read, { ...read.value, pending: [] }, this.settings.stateTtlMs);
        continue;
      }
      const decision = await decide(read.value.state);
      if (!decision.changed) return;
      const saved = { state: decision.state, pending: decision.effects };
      if (!(await this.repo.save(mirrorId, read, saved, this.settings.stateTtlMs))) continue;
      if (decision.effects.length > 0) {
        await this.carryOut(mirrorId, decision.state, decision.effects);
        const mine: Snapshot = { value: saved, raw: JSON.stringify(saved) };
        // lost only to a later change, which carried the effects out again first
        await this.repo.save(mirrorId, mine, { ...saved, pending: [] }, this.settings.stateTtlMs);
      }
      await this.repo.markOpen(mirrorId, decision.state.open, this.clock.now());
      this.publisher.state(await this.render(mirrorId, decision.state, urlTimeoutMs));
      return;
    }
    throw new LooksContendedError(mirrorId);
  }

  private async carryOut(mirrorId: string, state: MirrorLooks, effects: LookEffect[]): Promise<void> {
    const sessionId = state.sessionId;
    if (!sessionId) return;
    for (const effect of effects) {
      if (effect.kind === 'favourite') {
        await this.favourites.setForSession(effect.photoId, sessionId, effect.favourite, this.clock.date());
      } else {
        this.publisher.takePhoto(mirrorId, sessionId, effect.photoId, effect.shootAt);
      }
    }
  }

  private async render(mirrorId: string, state: MirrorLooks, urlTimeoutMs: number) {
    const open = state.open && state.sessionId !== null;
    const looks = open ? await this.favourites.sessionLooks(state.sessionId!) : [];
    const [urls, products] = await Promise.all([
      this.urls(looks, urlTimeoutMs),
      open && state.details ? this.favourites.sessionProducts(state.sessionId!) : Promise.resolve([]),
    ]);
    return viewOf({ mirrorId, state, looks, urls, products, now: this.clock.now(), rules: this.settings });
  }

  /** Signed URLs of the looks; those photo-store does not give in time are left out (the next state has them). */
  private async urls(looks: SessionLook[], timeout: number): Promise<Map<string, LookUrls>> {
    const ask = (photoId: string, variant: 'thumb' | 'display') =>
      this.photoStore.url(photoId, variant, timeout).catch((e: unknown) => {
        this.logger.debug({ err: e, photoId, variant }, 'look URL not in time');
        return undefined;
      });
    const entries = await Promise.all(
      looks.map(async (l): Promise<[string, LookUrls]> => {
        const [thumbUrl, displayUrl] = await Promise.all([
          ask(l.photoId, 'thumb'),
          ask(l.photoId, 'display'),
        ]);
        return [l.photoId, { ...(thumbUrl ? { thumbUrl } : {}), ...(displayUrl ? { displayUrl } : {}) }];
      }),
    );
    return new Map(entries);
  }
}
