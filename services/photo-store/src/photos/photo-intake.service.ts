import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { PhotoStored } from '@mirror/contracts';
import { Clock, LOGGER } from '@mirror/platform';
import type { Logger } from 'pino';
import { ImageInspector } from './image.inspector';
import { PhotoBucketRepository } from './photo-bucket.repository';
import { readEnvelope, reportedIds, type IncomingPhoto, type PhotoEnvelope } from './photo-envelope';
import { DuplicateInFlightError, PhotoRejectedError } from './photo.errors';
import { PhotoEventsPublisher } from './photo-events.publisher';
import { PhotoIndexRepository, type PhotoRecord } from './photo-index.repository';
import { photoKeys } from './photo-keys';
import type { IntakeOutcome } from './photo.metrics';
import { PhotoRenderer } from './photo.renderer';
import { RecentPhotosRepository } from './recent-photos.repository';

export type IntakeResult =
  | { outcome: 'stored'; photo: PhotoStored }
  | { outcome: 'duplicate'; photoId: string; of: string }
  | { outcome: 'rejected'; error: PhotoRejectedError };

/**
 * The rules of taking a photo in. Order of effects, chosen so a crash anywhere loses nothing and
 * duplicates nothing when JetStream redelivers the message:
 *   1. the three variants, under keys derived from the message alone (a redelivery overwrites them);
 *   2. the index entry (the commit point: before it the photo does not exist for anyone);
 *   3. `photo.stored` with msgID = photo id (a republish within the stream's window is dropped);
 *   4. the entry marked announced (a redelivery after this publishes nothing, however late).
 * The caller acks only after all four. A rejection writes nothing at all.
 */
@Injectable()
export class PhotoIntakeService {
  constructor(
    private readonly inspector: ImageInspector,
    private readonly renderer: PhotoRenderer,
    private readonly bucket: PhotoBucketRepository,
    private readonly index: PhotoIndexRepository,
    private readonly recent: RecentPhotosRepository,
    private readonly events: PhotoEventsPublisher,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Takes one photo message in. Resolves when the message may be acked (stored, duplicate) or must be
   * terminated (rejected: `photo.rejected` is already published); throws on a transient failure (retry).
   */
  async receive(photo: IncomingPhoto): Promise<IntakeResult> {
    try {
      return await this.store(photo);
    } catch (e) {
      if (!(e instanceof PhotoRejectedError)) throw e;
      await this.events.rejected(
        { v: 1, ...reportedIds(photo), reason: e.message, at: this.clock.date().toISOString() },
        photo.streamSequence,
      );
      this.logger.warn({ ...reportedIds(photo), reason: e.message }, 'photo rejected');
      return { outcome: 'rejected', error: e };
    }
  }

  private async store(photo: IncomingPhoto): Promise<IntakeResult> {
    const envelope = readEnvelope(photo);
    const existing = await this.index.get(envelope.photoId);
    if (existing) return this.seenBefore(existing, envelope);

    const facts = await this.inspector.inspect(photo.bytes);
    const variants = await this.renderer.render(photo.bytes);
    const sha256 = createHash('sha256').update(photo.bytes).digest('hex');

    const holder = await this.recent.claim(envelope.mirrorId, sha256, envelope.photoId);
    if (holder !== envelope.photoId) {
      if (await this.index.get(holder)) {
        this.logger.info({ photoId: envelope.photoId, duplicateOf: holder }, 'same bytes as a recent photo');
        return { outcome: 'duplicate', photoId: envelope.photoId, of: holder };
      }
      throw new DuplicateInFlightError(envelope.photoId, holder);
    }

    const keys = photoKeys(envelope, facts.ext);
    await Promise.all([
      this.bucket.put(keys.original, photo.bytes, facts.contentType),
      this.bucket.put(keys.display, variants.display, 'image/jpeg'),
      this.bucket.put(keys.thumb, variants.thumb, 'image/jpeg'),
    ]);
    const stored: PhotoStored = {
      v: 1,
      photoId: envelope.photoId,
      mirrorId: envelope.mirrorId,
      sessionId: envelope.sessionId,
      takenAt: envelope.takenAt,
      sha256,
      width: facts.width,
      height: facts.height,
      bytes: photo.bytes.length,
      contentType: facts.contentType,
      keys,
    };
    const record: PhotoRecord = { v: 1, stored, announced: false };
    await this.index.put(record);
    await this.announce(record);
    return { outcome: 'stored', photo: stored };
  }

  /** The photo id is in the index already: a redelivery, a replay, or a mirror re-sending. */
  private async seenBefore(record: PhotoRecord, envelope: PhotoEnvelope): Promise<IntakeResult> {
    const { stored } = record;
    if (stored.mirrorId !== envelope.mirrorId) {
      throw new PhotoRejectedError(
        'photo-id-taken',
        `photo id ${stored.photoId} belongs to mirror ${stored.mirrorId}; publish under a new id`,
      );
    }
    // a deleted photo stays deleted: a late copy of its message must not bring it back
    if (record.deletedAt) return { outcome: 'duplicate', photoId: stored.photoId, of: stored.photoId };
    if (!record.announced) {
      // stored by an earlier delivery that stopped before announcing it: finish the job
      await this.announce(record);
      return { outcome: 'stored', photo: stored };
    }
    return { outcome: 'duplicate', photoId: stored.photoId, of: stored.photoId };
  }

  private async announce(record: PhotoRecord): Promise<void> {
    await this.events.stored(record.stored);
    await this.index.put({ ...record, announced: true });
  }
}

export type { IntakeOutcome };
