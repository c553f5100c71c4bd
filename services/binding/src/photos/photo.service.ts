import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PhotoDeleted, PhotoRejected, PhotoStored } from '@mirror/contracts';
import { SessionRepository } from '../sessions/session.repository';
import { Clock } from '../shared/clock';
import { PhotoRepository } from './photo.repository';

/** Photos photo-store reports: attached to their session, whichever of the two arrives first. */
@Injectable()
export class PhotoService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly photos: PhotoRepository,
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * A photo the mirror tied to a session joins it directly (the session row is created if it has not
   * started yet); one without goes to the session open on its mirror at `takenAt`, or waits for it.
   */
  async recordStored(photo: PhotoStored): Promise<void> {
    const takenAt = new Date(photo.takenAt);
    await this.dataSource.transaction(async (em) => {
      await this.sessions.touchMirror(em, photo.mirrorId, takenAt);
      if (photo.sessionId) await this.sessions.ensureSession(em, photo.sessionId, photo.mirrorId);
      await this.photos.insertStored(em, photo, this.clock.now());
      if (!photo.sessionId) await this.photos.attachByTime(em, photo.mirrorId, takenAt);
    });
  }

  async recordDeleted(event: PhotoDeleted): Promise<void> {
    await this.dataSource.transaction((em) =>
      this.photos.markDeletedByPhotoStore(em, event.photoId, new Date(event.at)),
    );
  }

  async recordRejected(event: PhotoRejected): Promise<void> {
    await this.photos.insertRejection(this.dataSource.manager, {
      photoId: event.photoId,
      mirrorId: event.mirrorId,
      reason: event.reason.slice(0, 2000),
      at: new Date(event.at),
    });
  }
}
