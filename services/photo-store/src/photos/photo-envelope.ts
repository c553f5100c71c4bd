import { ContractViolationError, MirrorSubjects, photoHeadersSchema, validate } from '@mirror/contracts';
import { PhotoRejectedError } from './photo.errors';

/** Who sent a photo, and what they said about it (subject and headers, validated). */
export interface PhotoEnvelope {
  photoId: string;
  mirrorId: string;
  takenAt: string;
  sessionId?: string;
}

/** A photo message as it came off the stream, before anything is trusted. */
export interface IncomingPhoto {
  /** Subject without the namespace: `mirror.<mirrorId>.photo`. */
  subject: string;
  headers: Record<string, string | undefined>;
  bytes: Uint8Array;
  /** Sequence in PHOTOS_IN: stable across redeliveries, so it keys the rejection event. */
  streamSequence: number;
}

/** Reads the mirror id from the subject and the photo id, capture time and session from the headers. */
export function readEnvelope(photo: IncomingPhoto): PhotoEnvelope {
  const parsed = MirrorSubjects.parse(photo.subject);
  if (!parsed || parsed.channel !== 'photo') {
    throw new PhotoRejectedError('bad-mirror-id', `subject ${photo.subject} has no well-formed mirror id`);
  }
  try {
    const h = validate(`${photo.subject} headers`, photoHeadersSchema, {
      'Nats-Msg-Id': photo.headers['Nats-Msg-Id'],
      'taken-at': photo.headers['taken-at'],
      'session-id': photo.headers['session-id'] || undefined,
    });
    return {
      photoId: h['Nats-Msg-Id'],
      mirrorId: parsed.mirrorId,
      takenAt: h['taken-at'],
      sessionId: h['session-id'],
    };
  } catch (e) {
    if (e instanceof ContractViolationError) throw new PhotoRejectedError('bad-headers', e.message);
    throw e;
  }
}

/** The ids to report in `photo.rejected`, whatever state the message is in (bounded, never trusted). */
export function reportedIds(photo: IncomingPhoto): { photoId: string; mirrorId: string } {
  return {
    photoId: (photo.headers['Nats-Msg-Id'] ?? '').slice(0, 256),
    mirrorId: (photo.subject.split('.')[1] ?? '').slice(0, 256),
  };
}
