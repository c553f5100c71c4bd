import { Injectable } from '@nestjs/common';
import type { PhotoDeleted, PhotoRejected, PhotoStored } from '@mirror/contracts';
import { Clock } from '@mirror/platform';
import { UnitOfWork } from '../database/unit-of-work';
import { SessionRepository } from '../sessions/session.repository';
import { PhotoRepository } from './photo.repository';

/** Photos photo-store reports: attached to their session, whichever of the two arrives first. */
@Injectable()
export class PhotoService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly photos: PhotoRepository,
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * A photo the mirror tied to a session joins it directly (the session row is created if it has not
   * started yet); one without goes to the session open on its mirror at `takenAt`, or waits for it.
   * Idempotent: the photo row is written once per photo id, and matching by time only moves a photo
   * that is not on the right session already.
   */
  async recordStored(photo: PhotoStored): Promise<void> {
    const takenAt = new Date(photo.takenAt);
    await this.uow.transaction(async () => {
      await this.sessions.touchMirror(photo.mirrorId, takenAt);
      if (photo.sessionId) await this.sessions.ensureSession(photo.sessionId, photo.mirrorId);
      await this.photos.insertStored(photo, this.clock.date());
      if (!photo.sessionId) await this.sessions.attachPhotosByTime(photo.mirrorId, takenAt);
    });
  }

  /** photo-store deleted the photo (a tombstone when its `photo.stored` has not arrived yet). */
  async recordDeleted(event: PhotoDeleted): Promise<void> {
    await this.photos.markDeletedByPhotoStore(event.photoId, new Date(event.at));
  }

  /** A photo photo-store refused, kept for statistics. */
  async recordRejected(event: PhotoRejected): Promise<void> {
    await this.photos.insertRejection({
      photoId: event.photoId,
      mirrorId: event.mirrorId,
      reason: event.reason.slice(0, 2000),
      at: new Date(event.at),
    });
  }
}
