import { readEnvelope, reportedIds, type IncomingPhoto } from '../../src/photos/photo-envelope';
import { indexKey, photoKeys } from '../../src/photos/photo-keys';
import { PhotoRejectedError } from '../../src/photos/photo.errors';

const incoming = (over: Partial<IncomingPhoto> = {}, headers: Record<string, string | undefined> = {}) => ({
  subject: 'mirror.shop-1-a.photo',
  bytes: new Uint8Array(1),
  streamSequence: 7,
  ...over,
  headers: {
    'Nats-Msg-Id': '01JABCDEFGHJKMNPQRSTVWXYZ0',
    'taken-at': '2025-03-09T23:30:00+08:00',
    ...headers,
  },
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof PhotoRejectedError) return e.code;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('readEnvelope', () => {
  it('reads mirror id, photo id, capture time and session', () => {
    const sut = readEnvelope(incoming({}, { 'session-id': '01JABCDEFGHJKMNPQRSTVWXYZ1' }));
    expect(sut).toEqual({
      mirrorId: 'shop-1-a',
      photoId: '01JABCDEFGHJKMNPQRSTVWXYZ0',
      takenAt: '2025-03-09T23:30:00+08:00',
      sessionId: '01JABCDEFGHJKMNPQRSTVWXYZ1',
    });
  });

  it('treats an empty session header as no session', () => {
    expect(readEnvelope(incoming({}, { 'session-id': '' })).sessionId).toBeUndefined();
  });

  it.each(['mirror.Shop_1.photo', 'mirror..photo', `mirror.${'a'.repeat(65)}.photo`, 'mirror.a.frame'])(
    'refuses the subject %s',
    (subject) => expect(codeOf(() => readEnvelope(incoming({ subject })))).toBe('bad-mirror-id'),
  );

  it.each([
    ['no photo id', { 'Nats-Msg-Id': undefined }],
    ['a photo id with a slash', { 'Nats-Msg-Id': '../etc/passwd' }],
    ['no capture time', { 'taken-at': undefined }],
    ['a capture time that is not ISO-8601', { 'taken-at': 'yesterday' }],
    ['a session id that is not a ULID', { 'session-id': 'abc' }],
  ])('refuses %s', (_name, headers) =>
    expect(codeOf(() => readEnvelope(incoming({}, headers)))).toBe('bad-headers'),
  );

  it('reports bounded ids even for a message it refuses', () => {
    const ids = reportedIds(incoming({ subject: 'mirror.BAD.photo' }, { 'Nats-Msg-Id': 'x'.repeat(1000) }));
    expect(ids).toEqual({ mirrorId: 'BAD', photoId: 'x'.repeat(256) });
  });
});

describe('photoKeys', () => {
  it('files a photo under its mirror and the UTC day it was taken', () => {
    const sut = photoKeys({ mirrorId: 'm-1', photoId: 'P1', takenAt: '2025-03-09T23:30:00-08:00' }, 'png');
    expect(sut).toEqual({
      original: 'mirrors/m-1/2025/03/10/P1/original.png',
      display: 'mirrors/m-1/2025/03/10/P1/display.jpg',
      thumb: 'mirrors/m-1/2025/03/10/P1/thumb.jpg',
    });
  });

  it('gives the same keys for the same message, whenever it is processed', () => {
    const p = { mirrorId: 'm-1', photoId: 'P1', takenAt: '2025-12-31T23:59:59Z' };
    expect(photoKeys(p, 'jpg')).toEqual(photoKeys({ ...p }, 'jpg'));
    expect(indexKey('P1')).toBe('index/photos/P1.json');
  });
});
