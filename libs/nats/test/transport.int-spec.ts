import {
  Controller,
  Get,
  Global,
  HttpException,
  Inject,
  Injectable,
  Module,
  type INestApplication,
} from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import {
  ContractViolationError,
  Events,
  FramePartitions,
  MirrorSubjects,
  Requests,
  type PhotoUrlRequest,
  type SessionStarted,
} from '@mirror/contracts';
import {
  JetStreamClientProxy,
  JetStreamRecord,
  JetStreamServer,
  NatsClient,
  NatsPatternError,
  RefusalError,
  RequestRefusedError,
  UnknownSubjectError,
  type JetStreamContext,
  type RawJetStreamOptions,
} from '@mirror/nats';
import { PoolRegistry } from '@mirror/platform';
import {
  deleteNamespaceStreams,
  testEnv,
  testLogger,
  uniqueName,
  waitFor,
  testNatsAuth,
} from '@mirror/testing';
import { lastValueFrom } from 'rxjs';
import { ulid } from 'ulid';
import { startProbeService } from './support/probe-service';

const logger = testLogger();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const started = (mirrorId: string) => ({ sessionId: ulid(), mirrorId, at: new Date().toISOString() });

describe(JetStreamServer.name, () => {
  const namespaces: string[] = [];
  afterAll(async () => {
    for (const ns of namespaces) await deleteNamespaceStreams(ns);
  });
  const namespace = () => {
    const ns = uniqueName('tr');
    namespaces.push(ns);
    return ns;
  };

  it('refuses to start with a pattern whose subject has no contract, naming every such pattern', async () => {
    @Controller()
    class Misnamed {
      @EventPattern('session.restarted', { durable: 'misnamed' })
      restarted() {}

      @MessagePattern('photo.thumbnail')
      thumbnail() {}

      @EventPattern(Events.sessionEnded.subject, { durable: 'typo', maxDelivery: 3 })
      ended() {}
    }
    const boot = startProbeService({ namespace: namespace(), controllers: [Misnamed] });
    await expect(boot).rejects.toBeInstanceOf(NatsPatternError);
    const message = await boot.catch((e: Error) => e.message);
    expect(message).toContain(`@EventPattern('session.restarted') (durable misnamed): no event contract`);
    expect(message).toContain(`@MessagePattern('photo.thumbnail'): no request contract`);
    expect(message).toContain('unknown option maxDelivery');
  });

  it('leaves HTTP errors to Nest: its pass-through filter only concerns message handlers', async () => {
    @Controller('probe')
    class Http {
      @Get('broken')
      broken() {
        throw new Error('bucket credentials rejected');
      }

      @Get('teapot')
      teapot() {
        throw new HttpException('short and stout', 418);
      }
    }
    const app = await startProbeService({ namespace: namespace(), controllers: [Http] });
    try {
      const url = await app.getUrl();
      const broken = await fetch(`${url}/probe/broken`);
      expect(broken.status).toBe(500);
      expect(await broken.json()).toEqual({ statusCode: 500, message: 'Internal server error' });
      const teapot = await fetch(`${url}/probe/teapot`);
      expect(teapot.status).toBe(418);
      expect(await teapot.json()).toEqual({ statusCode: 418, message: 'short and stout' });
      expect((await fetch(`${url}/nowhere`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('delivers core messages with the subject as the contract names it, headers and bytes', async () => {
    const seen: { subject: string; seq?: string; bytes: Uint8Array }[] = [];
    @Controller()
    class Gestures {
      @EventPattern(MirrorSubjects.all('gesture'), { core: true })
      onGesture(@Payload() bytes: Uint8Array, @Ctx() ctx: NatsContext) {
        seen.push({ subject: ctx.getSubject(), seq: ctx.getHeaders()?.get('seq'), bytes });
      }
    }
    const ns = namespace();
    const app = await startProbeService({ namespace: ns, controllers: [Gestures] });
    try {
      const sender = await NatsClient.connect({
        ...(await testNatsAuth()),
        servers: testEnv.natsUrl(),
        name: 'sender',
        namespace: ns,
        logger,
      });
      sender.publishRaw(MirrorSubjects.of('gesture', 'm7'), new Uint8Array([0xff, 0xd8, 7]), { seq: '42' });
      await sender.drain();
      const message = await waitFor(() => seen[0]);
      expect(message.subject).toBe('mirror.m7.gesture');
      expect(message.seq).toBe('42');
      expect(Array.from(message.bytes)).toEqual([0xff, 0xd8, 7]);
    } finally {
      await app.close();
    }
  });

  it('subscribes an on-demand pattern only to the subjects the service opens, before or after it listens', async () => {
    const seen: string[] = [];
    @Controller()
    class Partitions {
      @EventPattern(FramePartitions.all, { core: true, onDemand: true })
      onFrame(@Payload() bytes: Uint8Array, @Ctx() ctx: NatsContext) {
        seen.push(`${ctx.getSubject()}:${new TextDecoder().decode(bytes)}`);
      }
    }
    // opened while the service starts, before the transport listens: delivered once it does
    @Injectable()
    class OpensEarly {
      constructor(nats: NatsClient) {
        nats.openOnDemand(FramePartitions.all, FramePartitions.subject(3));
      }
    }
    const ns = namespace();
    const app = await startProbeService({
      namespace: ns,
      controllers: [Partitions],
      providers: [OpensEarly],
    });
    const nats = app.get(NatsClient);
    const sender = await NatsClient.connect({
      ...(await testNatsAuth()),
      servers: testEnv.natsUrl(),
      name: 'sender',
      namespace: ns,
      logger,
    });
    const send = async (text: string, ...subjects: string[]) => {
      for (const subject of subjects) sender.publishRaw(subject, new TextEncoder().encode(text));
      await sender.nc.flush();
      await nats.nc.flush();
    };
    try {
      expect(() => nats.openOnDemand(FramePartitions.all, 'mirror.m1.frame')).toThrow(/not covered/);
      await send('a', 'vision.frame.3.m1', 'vision.frame.5.m2');
      await waitFor(() => seen.length >= 1);
      nats.openOnDemand(FramePartitions.all, FramePartitions.subject(5));
      nats.openOnDemand(FramePartitions.all, FramePartitions.subject(5)); // already open: no second copy
      await nats.nc.flush();
      await send('b', 'vision.frame.3.m1', 'vision.frame.5.m2');
      await waitFor(() => seen.length >= 3);
      nats.closeOnDemand(FramePartitions.all, FramePartitions.subject(3));
      await send('c', 'vision.frame.3.m1', 'vision.frame.5.m2');
      await waitFor(() => seen.length >= 4);
      await sleep(200);
      expect(seen.sort()).toEqual([
        'vision.frame.3.m1:a',
        'vision.frame.3.m1:b',
        'vision.frame.5.m2:b',
        'vision.frame.5.m2:c',
      ]);
    } finally {
      await sender.drain();
      await app.close();
    }
  });

  it('hands a raw JetStream consumer the bytes and the delivery', async () => {
    const seen: { subject: string; deliveries: number; takenAt?: string; bytes: number[] }[] = [];
    const intake: RawJetStreamOptions = { stream: 'PHOTOS_IN', durable: 'raw-photos', raw: true };
    @Controller()
    class Photos {
      @EventPattern(MirrorSubjects.all('photo'), intake)
      async onPhoto(@Payload() bytes: Uint8Array, @Ctx() ctx: JetStreamContext) {
        seen.push({
          subject: ctx.getSubject(),
          deliveries: ctx.getDeliveries(),
          takenAt: ctx.getHeaders()?.get('taken-at'),
          bytes: Array.from(bytes),
        });
      }
    }
    const ns = namespace();
    const app = await startProbeService({ namespace: ns, controllers: [Photos] });
    try {
      await app.get(NatsClient).publishBytes(MirrorSubjects.of('photo', 'm7'), new Uint8Array([1, 2, 3]), {
        msgID: ulid(),
        headers: { 'taken-at': '2026-11-23T10:00:00.000Z' },
      });
      expect(await waitFor(() => seen[0])).toEqual({
        subject: 'mirror.m7.photo',
        deliveries: 1,
        takenAt: '2026-11-23T10:00:00.000Z',
        bytes: [1, 2, 3],
      });
    } finally {
      await app.close();
    }
  });

  it('gives two handlers of one event each their own durable consumer', async () => {
    const seen: string[] = [];
    @Controller()
    class TwoReaders {
      @EventPattern(Events.sessionStarted.subject, { durable: 'reader-a' })
      async a(@Payload() e: { mirrorId: string }) {
        seen.push(`a:${e.mirrorId}`);
      }

      @EventPattern(Events.sessionStarted.subject, { durable: 'reader-b' })
      async b(@Payload() e: { mirrorId: string }) {
        seen.push(`b:${e.mirrorId}`);
      }
    }
    const ns = namespace();
    const app = await startProbeService({ namespace: ns, controllers: [TwoReaders] });
    try {
      await app.get(NatsClient).publish(Events.sessionStarted, started('m1'), { msgID: ulid() });
      await waitFor(() => seen.length === 2);
      await sleep(200);
      expect(seen.sort()).toEqual(['a:m1', 'b:m1']);
    } finally {
      await app.close();
    }
  });

  it("reads a consumer's `settings` provider when it starts: each application its own", async () => {
    const TUNING = Symbol('TUNING');
    @Controller()
    class Tuned {
      @EventPattern(Events.sessionEnded.subject, { durable: 'tuned', maxDeliver: 7, settings: TUNING })
      async ended() {}
    }
    // provided as a service's InfrastructureModule provides its settings: a global module of its own
    const tuning = (value: object) => {
      @Global()
      @Module({ providers: [{ provide: TUNING, useValue: value }], exports: [TUNING] })
      class TuningModule {}
      return TuningModule;
    };
    const apps = [
      await startProbeService({
        namespace: namespace(),
        controllers: [Tuned],
        imports: [tuning({ ackWaitMs: 4000, other: 'ignored' })],
      }),
      await startProbeService({
        namespace: namespace(),
        controllers: [Tuned],
        imports: [tuning({ ackWaitMs: 9000 })],
      }),
    ];
    try {
      const consumer = async (app: INestApplication) => {
        const nats = app.get(NatsClient);
        return (await nats.jsm.consumers.info(nats.ns.stream('SESSIONS'), 'tuned')).config;
      };
      expect(await consumer(apps[0])).toMatchObject({ ack_wait: 4000 * 1e6, max_deliver: 7 });
      expect(await consumer(apps[1])).toMatchObject({ ack_wait: 9000 * 1e6, max_deliver: 7 });
    } finally {
      for (const app of apps) await app.close();
    }
  });

  describe('on shutdown', () => {
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));

    @Controller()
    class SlowWork {
      @EventPattern(Events.sessionStarted.subject, { durable: 'shutdown', concurrency: 1, ackWaitMs: 10000 })
      async onStarted(@Payload() e: { mirrorId: string }) {
        events.push(`event ${e.mirrorId} started`);
        await gate;
        events.push(`event ${e.mirrorId} finished`);
      }

      @MessagePattern(Requests.photoUrl.subject)
      async url(@Payload() r: PhotoUrlRequest) {
        events.push('request started');
        await gate;
        events.push('request finished');
        return { url: `http://s3.local/${r.photoId}`, expiresAt: new Date().toISOString() };
      }
    }

    /** Stands in for a Postgres pool, in a global module imported after NatsModule as services do. */
    @Injectable()
    class FakeDatabase {
      constructor(@Inject(NatsClient) client: NatsClient, @Inject(PoolRegistry) pools: PoolRegistry) {
        pools.register({
          name: 'database',
          close: () => events.push(`pool closed, NATS ${client.nc.isClosed() ? 'drained' : 'still open'}`),
        });
      }
    }
    @Global()
    @Module({ providers: [FakeDatabase], exports: [FakeDatabase] })
    class PoolModule {}

    it('stops pulling and serving, finishes in-flight work, drains NATS, then closes pools', async () => {
      const ns = namespace();
      const app: INestApplication = await startProbeService({
        namespace: ns,
        controllers: [SlowWork],
        imports: [PoolModule],
      });
      const outside = await NatsClient.connect({
        ...(await testNatsAuth()),
        servers: testEnv.natsUrl(),
        name: 'outside',
        namespace: ns,
        logger,
      });
      try {
        const first = await outside.publish(Events.sessionStarted, started('first'), { msgID: ulid() });
        const answer = outside
          .request(Requests.photoUrl, { photoId: 'p1' }, { timeoutMs: 10000 })
          .catch((e: unknown) => e);
        await waitFor(() => events.includes('event first started') && events.includes('request started'));

        const closing = app.close();
        await sleep(200);
        await outside.publish(Events.sessionStarted, started('late'), { msgID: ulid() });
        await sleep(300);
        expect([...events].sort()).toEqual(['event first started', 'request started']);

        release();
        await closing;
        expect(await answer).toMatchObject({ url: 'http://s3.local/p1' });
        expect(events).not.toContain('event late started');
        const finished = Math.max(events.indexOf('event first finished'), events.indexOf('request finished'));
        expect(events.indexOf('event first finished')).toBeGreaterThan(1);
        expect(events.indexOf('request finished')).toBeGreaterThan(1);
        expect(events.slice(finished + 1)).toEqual(['pool closed, NATS drained']);

        // the finished event was acked; the late one waits for the next replica
        const consumer = await outside.jsm.consumers.info(outside.ns.stream('SESSIONS'), 'shutdown');
        expect(consumer.ack_floor.stream_seq).toBe(first.seq);
        expect(consumer.num_pending + consumer.num_ack_pending).toBe(1);
      } finally {
        release();
        await outside.drain();
      }
    });
  });
});

describe(JetStreamClientProxy.name, () => {
  const namespace = uniqueName('cp');
  const seen: string[] = [];
  let app: INestApplication;
  let sut: JetStreamClientProxy;

  @Controller()
  class Probe {
    @EventPattern(Events.sessionStarted.subject, { durable: 'proxy-probe' })
    async started(@Payload() e: SessionStarted) {
      seen.push(e.mirrorId);
    }

    @MessagePattern(Requests.photoUrl.subject)
    async url(@Payload() r: PhotoUrlRequest) {
      if (r.photoId === 'missing') throw new RefusalError('NOT_FOUND', 'no such photo');
      return { url: `http://s3.local/${r.photoId}`, expiresAt: new Date().toISOString() };
    }
  }

  beforeAll(async () => {
    app = await startProbeService({ namespace, controllers: [Probe] });
    sut = app.get(JetStreamClientProxy);
  });
  afterAll(async () => {
    await app.close();
    await deleteNamespaceStreams(namespace);
  });

  it('emits a contract-checked JetStream event, de-duplicated by its msgID', async () => {
    const msgID = ulid();
    const first = await lastValueFrom(
      sut.emit(Events.sessionStarted.subject, new JetStreamRecord(started('proxied'), { msgID })),
    );
    const again = await lastValueFrom(
      sut.emit(
        Events.sessionStarted.subject,
        new JetStreamRecord(started('proxied'), { headers: { 'Nats-Msg-Id': msgID } }),
      ),
    );
    expect(first).toMatchObject({ duplicate: false });
    expect(again).toMatchObject({ seq: first.seq, duplicate: true });
    await waitFor(() => seen.includes('proxied'));
  });

  it('refuses an event without msgID, with an invalid payload, or on an unknown subject', async () => {
    await expect(lastValueFrom(sut.emit(Events.sessionStarted.subject, started('m1')))).rejects.toMatchObject(
      {
        name: 'ContractViolationError',
        field: 'Nats-Msg-Id',
      },
    );
    await expect(
      lastValueFrom(
        sut.emit(
          Events.sessionStarted.subject,
          new JetStreamRecord(started('Not A Mirror'), { msgID: ulid() }),
        ),
      ),
    ).rejects.toBeInstanceOf(ContractViolationError);
    await expect(
      lastValueFrom(sut.emit('session.paused', new JetStreamRecord(started('m1'), { msgID: ulid() }))),
    ).rejects.toBeInstanceOf(UnknownSubjectError);
  });

  it('sends a contract-checked request and returns the response, or the refusal', async () => {
    await expect(
      lastValueFrom(sut.send(Requests.photoUrl.subject, { photoId: 'p1' })),
    ).resolves.toMatchObject({
      url: 'http://s3.local/p1',
    });
    await expect(
      lastValueFrom(sut.send(Requests.photoUrl.subject, { photoId: 'missing' })),
    ).rejects.toMatchObject({ name: RequestRefusedError.name, code: 'NOT_FOUND' });
    await expect(lastValueFrom(sut.send('photo.resize', { photoId: 'p1' }))).rejects.toBeInstanceOf(
      UnknownSubjectError,
    );
  });
});
