import {
  BUS_ROLES,
  EXTRA_MIRROR_CHANNELS,
  Events,
  Requests,
  SERVICE_NAMES,
  STREAMS,
  busInboxPrefix,
  contractSubjects,
  deadLetterSubject,
  declaredStreams,
  knownBusSubjects,
  roleAllows,
  rolesOn,
  streamOf,
  subjectCovers,
  ungrantedUsages,
  type BusRole,
  type BusRoleName,
} from '@mirror/contracts';

const rows = Object.entries(BUS_ROLES) as [BusRoleName, BusRole][];
const services = rows.filter(([name]) => name !== 'mirror');
const namedSubjects = (r: BusRole) => [
  ...r.publishes,
  ...r.consumes.map((c) => c.subject),
  ...r.serves,
  ...r.requests,
  ...r.emits,
  ...r.listens,
];

describe('BUS_ROLES', () => {
  it.each(contractSubjects())('has a producer and a consumer for %s', (subject) => {
    const sut = rolesOn(subject);
    expect(sut.producers).not.toHaveLength(0);
    expect(sut.consumers).not.toHaveLength(0);
  });

  it('names only subjects the contracts know', () => {
    const known = knownBusSubjects();
    const unknown = rows.flatMap(([name, r]) =>
      namedSubjects(r)
        .filter((s) => !known.includes(s))
        .map((s) => `${name}: ${s}`),
    );
    expect(unknown).toEqual([]);
  });

  it('gives the planned per-mirror channels a producer and a consumer too', () => {
    // frame rates from session-vision, photos to take from binding's looks; the shop console hears the
    // frame rates as the mirrors' sign of life
    expect(rolesOn('mirror.*.control')).toEqual({
      producers: ['session-vision', 'binding'],
      consumers: ['shop-console', 'mirror'],
    });
    expect(rolesOn('mirror.*.looks')).toEqual({ producers: ['binding'], consumers: ['mirror'] });
    expect(rolesOn('gesture.recognised')).toEqual({ producers: ['session-vision'], consumers: ['binding'] });
    expect(rolesOn('mirror.*.vision').producers).toEqual(['session-vision']);
    expect(EXTRA_MIRROR_CHANNELS).toEqual(['vision']);
  });

  it('has a row for every service', () => {
    expect(SERVICE_NAMES.every((s) => s in BUS_ROLES)).toBe(true);
  });

  it('publishes JetStream subjects into a stream, and core subjects outside any', () => {
    for (const [, r] of rows) {
      for (const s of r.publishes) expect(streamOf(s)).toBeDefined();
      for (const s of [...r.emits, ...r.listens, ...r.serves, ...r.requests])
        expect(streamOf(s)).toBeUndefined();
    }
  });

  it('consumes each subject from the stream that stores it', () => {
    for (const [, r] of rows) {
      for (const c of r.consumes) expect(streamOf(c.subject)).toBe(c.stream);
    }
  });

  it('lets a service declare every stream it publishes into or consumes from', () => {
    for (const [name, r] of services) {
      const used = [...r.publishes.map(streamOf), ...r.consumes.map((c) => c.stream)];
      const missing = used.filter((s) => !r.declares.includes(s!));
      expect({ name, missing }).toEqual({ name, missing: [] });
    }
  });

  it('names durable consumers uniquely, after their service', () => {
    const durables = services.flatMap(([name, r]) => r.consumes.map((c) => ({ name, durable: c.durable })));
    expect(new Set(durables.map((d) => d.durable)).size).toBe(durables.length);
    for (const d of durables) expect(d.durable.startsWith(`${d.name}-`)).toBe(true);
  });

  it('adds DLQ to the streams of a role with a durable consumer only', () => {
    expect(declaredStreams(BUS_ROLES.binding)).toContain('DLQ');
    expect(declaredStreams(BUS_ROLES['wechat-gateway'])).toEqual(['WECHAT']);
    expect(Object.keys(STREAMS)).toEqual(expect.arrayContaining(declaredStreams(BUS_ROLES.binding)));
  });

  it('keeps a mirror to per-mirror subjects and away from streams, consumers and requests', () => {
    const sut = BUS_ROLES.mirror;
    expect(namedSubjects(sut).every((s) => /^mirror\.\*\.[a-z]+$/.test(s))).toBe(true);
    expect(sut).toMatchObject({ declares: [], consumes: [], serves: [], requests: [], kvBuckets: [] });
    expect(sut.publishes).toEqual(['mirror.*.photo']);
    expect(sut.emits).toEqual(['mirror.*.frame', 'mirror.*.status']);
  });
});

describe(roleAllows.name, () => {
  it('grants what a handler of the service declares', () => {
    const usages = [
      { kind: 'consume', stream: 'WECHAT', durable: 'binding-qr-scanned', subject: 'wechat.qr.scanned' },
      { kind: 'serve', subject: Requests.galleryGet.subject },
      { kind: 'request', subject: Requests.photoUrl.subject },
      { kind: 'emit', subject: 'mirror.m-1.display' },
      { kind: 'declare', stream: 'DLQ' },
      { kind: 'publish', subject: deadLetterSubject('WECHAT', 'binding-qr-scanned') },
    ] as const;
    expect(ungrantedUsages('binding', [...usages])).toEqual([]);
  });

  it('refuses what is not in the row', () => {
    const usages = [
      { kind: 'publish', subject: Events.sessionEnded.subject },
      { kind: 'consume', stream: 'SESSIONS', durable: 'wechat-gateway-x', subject: 'session.ended' },
      { kind: 'listen', subject: 'mirror.*.frame' },
      { kind: 'kv', bucket: 'PHOTO_RECENT' },
      { kind: 'declare', stream: 'SESSIONS' },
    ] as const;
    expect(ungrantedUsages('wechat-gateway', [...usages])).toEqual(usages);
  });

  it('refuses a known durable on another subject', () => {
    expect(
      roleAllows(BUS_ROLES.binding, {
        kind: 'consume',
        stream: 'WECHAT',
        durable: 'binding-qr-scanned',
        subject: 'wechat.>',
      }),
    ).toBe(false);
  });
});

describe(subjectCovers.name, () => {
  it.each([
    ['mirror.*.frame', 'mirror.m1.frame', true],
    ['mirror.*.frame', 'mirror.*.frame', true],
    ['mirror.m1.frame', 'mirror.*.frame', false],
    ['mirror.*.frame', 'mirror.m1.photo', false],
    ['wechat.>', 'wechat.qr.scanned', true],
    ['wechat.>', 'wechat', false],
    ['wechat.*', 'wechat.qr.scanned', false],
    ['wechat.*', 'wechat.>', false],
    ['session.started', 'session.started.x', false],
  ])('%s covers %s: %s', (pattern, subject, expected) => {
    expect(subjectCovers(pattern, subject)).toBe(expected);
  });
});

describe(busInboxPrefix.name, () => {
  it('gives each user its own inbox, inside the namespace when there is one', () => {
    expect(busInboxPrefix({ mirrorId: 'm-1' })).toBe('_INBOX_m-1');
    expect(busInboxPrefix({ service: 'binding' }, 'ns1')).toBe('_INBOX_ns1_binding');
  });
});
