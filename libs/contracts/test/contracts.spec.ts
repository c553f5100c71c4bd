import {
  ContractViolationError,
  Events,
  MirrorSubjects,
  Requests,
  decode,
  encode,
  eventContractFor,
  replyEnvelope,
  requestContractFor,
  validate,
} from '@mirror/contracts';

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const sessionId = '01JDA0B9XQ5S0W4R1V2K3M4N5P';

describe('contracts', () => {
  it('round-trips a valid event and stamps the schema version', () => {
    const bytes = encode(Events.sessionStarted, {
      sessionId,
      mirrorId: 'mirror-1',
      at: '2026-11-23T10:00:00.000Z',
    });
    const sut = decode(Events.sessionStarted, bytes);
    expect(sut).toEqual({ v: 1, sessionId, mirrorId: 'mirror-1', at: '2026-11-23T10:00:00.000Z' });
  });

  it('names the field that violates the schema', () => {
    const bad = enc({ v: 1, sessionId, mirrorId: 'Mirror_1', at: '2026-11-23T10:00:00Z' });
    expect.assertions(3);
    try {
      decode(Events.sessionStarted, bad);
    } catch (e) {
      expect(e).toBeInstanceOf(ContractViolationError);
      expect((e as ContractViolationError).field).toBe('mirrorId');
      expect((e as Error).message).toContain('session.started');
    }
  });

  it('names nested fields with a dotted path', () => {
    const bad = {
      v: 1,
      photoId: 'p1',
      mirrorId: 'm1',
      takenAt: '2026-11-23T10:00:00Z',
      sha256: 'a'.repeat(64),
      width: 10,
      height: 10,
      bytes: 100,
      contentType: 'image/jpeg',
      keys: { original: 'a', display: 'b' },
    };
    expect(() => validate('photo.stored', Events.photoStored.schema, bad)).toThrow(/keys\.thumb/);
  });

  it('refuses a payload that is not JSON', () => {
    expect(() => decode(Events.qrIssued, new Uint8Array([0xff, 0xfe]))).toThrow(ContractViolationError);
  });

  it('refuses an unknown schema version', () => {
    expect(() =>
      validate('session.started', Events.sessionStarted.schema, {
        v: 2,
        sessionId,
        mirrorId: 'm',
        at: '2026-11-23T10:00:00Z',
      }),
    ).toThrow(/v:/);
  });

  it('never lets a producer encode an invalid payload', () => {
    expect(() =>
      encode(Events.qrScanned, {
        eventId: 'e',
        openid: 'x',
        at: 'now',
        scene: 's',
        newFollower: true,
      } as never),
    ).toThrow(ContractViolationError);
  });

  it('builds and parses per-mirror subjects and refuses bad mirror ids', () => {
    expect(MirrorSubjects.of('frame', 'shop-1-m2')).toBe('mirror.shop-1-m2.frame');
    expect(MirrorSubjects.parse('mirror.shop-1-m2.photo')).toEqual({
      mirrorId: 'shop-1-m2',
      channel: 'photo',
    });
    expect(MirrorSubjects.parse('mirror.BAD.photo')).toBeNull();
    expect(() => MirrorSubjects.of('photo', 'a.b')).toThrow(ContractViolationError);
    expect(() => MirrorSubjects.of('photo', 'x'.repeat(65))).toThrow(/mirrorId/);
  });

  it('wraps replies in an ok/error envelope', () => {
    const sut = replyEnvelope(Requests.photoUrl.response);
    expect(sut.safeParse({ ok: false, error: { code: 'NOT_FOUND', message: 'no such photo' } }).success).toBe(
      true,
    );
    expect(sut.safeParse({ ok: true, data: { url: 'nope' } }).success).toBe(false);
  });

  it('finds the contract of an event or request by its subject', () => {
    expect(eventContractFor('photo.stored')).toBe(Events.photoStored);
    expect(requestContractFor('photo.url')).toBe(Requests.photoUrl);
    expect(eventContractFor('photo.url')).toBeUndefined();
    expect(eventContractFor('mirror.*.photo')).toBeUndefined();
  });
});
