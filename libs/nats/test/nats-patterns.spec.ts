import type { MessageHandler } from '@nestjs/microservices';
import { Events, Requests } from '@mirror/contracts';
import { NatsPatternError, planBindings, type DeclaredHandler } from '@mirror/nats';

const handler = (async () => undefined) as MessageHandler;
const event = (pattern: unknown, extras: Record<string, unknown>): DeclaredHandler => ({
  pattern,
  handler,
  isEventHandler: true,
  extras,
});
const request = (pattern: unknown, extras: Record<string, unknown> = {}): DeclaredHandler => ({
  pattern,
  handler,
  isEventHandler: false,
  extras,
});

function problems(declared: DeclaredHandler[]): string[] {
  try {
    planBindings(declared);
  } catch (e) {
    if (e instanceof NatsPatternError) return e.problems;
    throw e;
  }
  return [];
}

describe(planBindings.name, () => {
  it('plans a consumer of the contract event with its stream, defaults and a validating decoder', () => {
    const [sut] = planBindings([event(Events.photoStored.subject, { durable: 'binding-photo-stored' })]);
    expect(sut).toMatchObject({
      kind: 'jetstream',
      subject: 'photo.stored',
      stream: 'PHOTOS',
      durable: 'binding-photo-stored',
      concurrency: 4,
      maxDeliver: 10,
      ackWaitMs: 30000,
    });
    expect(sut.kind === 'jetstream' && (() => sut.decode(new TextEncoder().encode('{}')))).toThrow(
      /photo\.stored/,
    );
  });

  it('plans raw consumers, core subscriptions and responders', () => {
    const sut = planBindings([
      event('mirror.*.photo', {
        raw: true,
        stream: 'PHOTOS_IN',
        durable: 'photo-store-photos',
        concurrency: 2,
      }),
      event('mirror.*.frame', { core: true, queue: 'vision' }),
      request(Requests.photoUrl.subject),
    ]);
    expect(sut.map((b) => b.kind)).toEqual(['jetstream', 'core', 'request']);
    expect(sut[0]).toMatchObject({ stream: 'PHOTOS_IN', concurrency: 2 });
    expect(sut[1]).toMatchObject({ subject: 'mirror.*.frame', queue: 'vision', onDemand: false });
    expect(sut[2]).toMatchObject({ contract: Requests.photoUrl });
  });

  it('marks a core pattern subscribed on demand, and refuses anything but `onDemand: true`', () => {
    expect(planBindings([event('vision.frame.*.*', { core: true, onDemand: true })])[0]).toMatchObject({
      kind: 'core',
      onDemand: true,
    });
    expect(problems([event('vision.frame.*.*', { core: true, onDemand: 'yes' })])).toEqual([
      expect.stringContaining('`onDemand` is `true` or absent'),
    ]);
  });

  it('refuses subjects without a contract, naming each pattern', () => {
    expect(problems([event('session.paused', { durable: 'x' }), request('photo.resize')])).toEqual([
      expect.stringMatching(/^@EventPattern\('session\.paused'\) \(durable x\): no event contract/),
      expect.stringMatching(/^@MessagePattern\('photo\.resize'\): no request contract/),
    ]);
    expect(problems([event('mirror.*.photo', { durable: 'x' })])).toEqual([
      expect.stringContaining('use `raw: true` and `stream`'),
    ]);
  });

  it('refuses unknown and invalid options', () => {
    expect(problems([event(Events.sessionStarted.subject, { durable: 'a', ackWait: 5 })])).toEqual([
      expect.stringContaining('unknown option ackWait'),
    ]);
    expect(problems([event(Events.sessionStarted.subject, {})])).toEqual([
      expect.stringContaining('needs `durable`'),
    ]);
    expect(
      problems([event(Events.sessionStarted.subject, { durable: 'a', concurrency: 0, backoffMs: [] })]),
    ).toHaveLength(2);
    expect(problems([event(Events.sessionStarted.subject, { durable: 'a', stream: 'QR' })])).toEqual([
      expect.stringContaining('travels on stream SESSIONS'),
    ]);
    expect(problems([event('mirror.*.photo', { durable: 'a', raw: true })])).toEqual([
      expect.stringContaining('raw consumers name their stream'),
    ]);
    expect(problems([request(Requests.photoUrl.subject, { durable: 'a' })])).toEqual([
      expect.stringContaining('unknown option durable'),
    ]);
    expect(problems([event({ cmd: 'sum' }, { durable: 'a' })])).toEqual([
      expect.stringContaining('must be a subject string'),
    ]);
  });

  it('gives two handlers of one event their own consumers, but refuses a durable used twice', () => {
    const sut = planBindings([
      event(Events.sessionStarted.subject, { durable: 'a' }),
      event(Events.sessionStarted.subject, { durable: 'b' }),
    ]);
    expect(sut.map((b) => b.kind === 'jetstream' && b.durable)).toEqual(['a', 'b']);
    expect(
      problems([
        event(Events.sessionStarted.subject, { durable: 'a' }),
        event(Events.sessionEnded.subject, { durable: 'a' }),
      ]),
    ).toEqual([expect.stringContaining('durable a of stream SESSIONS is declared twice')]);
  });

  it('refuses a second handler on a request subject', () => {
    expect(problems([request(Requests.photoUrl.subject), request(Requests.photoUrl.subject)])).toEqual([
      "@MessagePattern('photo.url') must be the only handler of its subject",
    ]);
    expect(
      problems([request(Requests.photoUrl.subject), event(Requests.photoUrl.subject, { core: true })]),
    ).toHaveLength(1);
  });

  describe('settings', () => {
    const SETTINGS = Symbol('PHOTO_SETTINGS');
    const from =
      (provided: Record<symbol, unknown>) =>
      (token: unknown): unknown => {
        if (!((token as symbol) in provided)) throw new Error('not provided');
        return provided[token as symbol];
      };
    const photos = (extras: Record<string, unknown> = {}) =>
      event('mirror.*.photo', {
        raw: true,
        stream: 'PHOTOS_IN',
        durable: 'photo-store-photos',
        concurrency: 2,
        maxDeliver: 200,
        settings: SETTINGS,
        ...extras,
      });

    it('takes the tunable options its provider sets, read when the transport starts, and ignores the rest', () => {
      const [sut] = planBindings(
        [photos()],
        from({ [SETTINGS]: { concurrency: 7, ackWaitMs: 12000, bucket: 'photos', durable: 'other' } }),
      );
      expect(sut).toMatchObject({
        durable: 'photo-store-photos',
        concurrency: 7,
        ackWaitMs: 12000,
        maxDeliver: 200,
        backoffMs: [1000, 5000, 15000, 30000, 60000],
      });
    });

    it('keeps the declared options the provider leaves unset', () => {
      const [sut] = planBindings([photos()], from({ [SETTINGS]: { ackWaitMs: undefined, region: 'x' } }));
      expect(sut).toMatchObject({ concurrency: 2, ackWaitMs: 30000 });
    });

    it('refuses, naming the pattern and the token, settings nobody provides or that are not an object', () => {
      expect(problems([photos()])).toEqual([
        expect.stringMatching(
          /^@EventPattern\('mirror\.\*\.photo'\) \(durable photo-store-photos\): `settings` \(PHOTO_SETTINGS\) needs a transport that can read providers/,
        ),
      ]);
      const refused = (provided: Record<symbol, unknown>) => {
        try {
          planBindings([photos()], from(provided));
        } catch (e) {
          if (e instanceof NatsPatternError) return e.problems;
          throw e;
        }
        return [];
      };
      expect(refused({})).toEqual([expect.stringContaining('`settings` (PHOTO_SETTINGS) is not provided')]);
      expect(refused({ [SETTINGS]: 7 })).toEqual([
        expect.stringContaining('must provide an object, not number'),
      ]);
      expect(refused({ [SETTINGS]: { concurrency: 0 } })).toEqual([
        expect.stringContaining('`concurrency` must be a positive whole number'),
      ]);
    });

    it('is an option of durable consumers only', () => {
      expect(problems([event('mirror.*.frame', { core: true, settings: SETTINGS })])).toEqual([
        expect.stringContaining('unknown option settings'),
      ]);
      expect(problems([request(Requests.photoUrl.subject, { settings: SETTINGS })])).toEqual([
        expect.stringContaining('unknown option settings'),
      ]);
    });
  });
});
