import type { StreamName } from './contract';

export interface StreamSpec {
  name: StreamName;
  subjects: string[];
  /** Largest message the stream accepts, bytes. */
  maxMsgSize: number;
  /** How long messages are kept, seconds. */
  maxAgeSeconds: number;
  /** JetStream de-duplication window for msgID, seconds. */
  duplicateWindowSeconds: number;
}

const DAY = 86400;

/**
 * The JetStream streams of the system. Photos travel whole (≤ 10 MB + headers) rather than chunked:
 * one message is one photo, so `Nats-Msg-Id` de-duplication and ack semantics stay simple, at the
 * price of a raised `max_payload` in the project's NATS config (deploy/nats/nats.conf).
 */
export const STREAMS: Record<StreamName, StreamSpec> = {
  SESSIONS: {
    name: 'SESSIONS',
    subjects: ['session.started', 'session.ended', 'gesture.recognised'],
    maxMsgSize: 64 * 1024,
    maxAgeSeconds: 30 * DAY,
    duplicateWindowSeconds: 600,
  },
  QR: {
    name: 'QR',
    subjects: ['qr.issued'],
    maxMsgSize: 64 * 1024,
    maxAgeSeconds: 30 * DAY,
    duplicateWindowSeconds: 600,
  },
  PHOTOS_IN: {
    name: 'PHOTOS_IN',
    subjects: ['mirror.*.photo'],
    maxMsgSize: 11 * 1024 * 1024,
    maxAgeSeconds: 7 * DAY,
    duplicateWindowSeconds: 600,
  },
  PHOTOS: {
    name: 'PHOTOS',
    subjects: ['photo.stored', 'photo.rejected', 'photo.deleted'],
    maxMsgSize: 64 * 1024,
    maxAgeSeconds: 30 * DAY,
    duplicateWindowSeconds: 600,
  },
  WECHAT: {
    name: 'WECHAT',
    subjects: ['wechat.>'],
    maxMsgSize: 256 * 1024,
    maxAgeSeconds: 30 * DAY,
    duplicateWindowSeconds: 600,
  },
  DLQ: {
    name: 'DLQ',
    subjects: ['dlq.>'],
    maxMsgSize: 12 * 1024 * 1024,
    maxAgeSeconds: 14 * DAY,
    duplicateWindowSeconds: 120,
  },
};

/** Dead letters of a consumer go to `dlq.<stream>.<consumer>`, with the reason in headers. */
export function deadLetterSubject(stream: string, consumer: string): string {
  return `dlq.${stream}.${consumer}`;
}
