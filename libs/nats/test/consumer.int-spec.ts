import { Controller, type INestApplication } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import {
  Events,
  Requests,
  deadLetterSubject,
  type PhotoUrlRequest,
  type SessionStarted,
} from '@mirror/contracts';
import {
  JetStreamServer,
  NatsClient,
  NoRespondersError,
  PoisonMessageError,
  RefusalError,
  RequestRefusedError,
  RequestTimeoutError,
  type JetStreamContext,
  type JetStreamEventOptions,
} from '@mirror/nats';
import {
  deleteNamespaceStreams,
  testEnv,
  testLogger,
  uniqueName,
  waitFor,
  testNatsAuth,
} from '@mirror/testing';
import { ulid } from 'ulid';
import { startProbeService } from './support/probe-service';

const logger = testLogger();
const started = (mirrorId = 'm1') => ({ sessionId: ulid(), mirrorId, at: new Date().toISOString() });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`${JetStreamServer.name} consumers`, () => {
  let namespace: string;
  let app: INestApplication | undefined;
  let client: NatsClient;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await deleteNamespaceStreams(namespace);
  });

  /** A service with one `@EventPattern` consumer of session.started, in a namespace of its own. */
  async function serve(
    durable: string,
    handle: (event: SessionStarted, ctx: JetStreamContext) => Promise<void>,
    options: Partial<JetStreamEventOptions> = {},
  ) {
    const consumer: JetStreamEventOptions = {
      durable,
      concurrency: 2,
      maxDeliver: 5,
      ackWaitMs: 1000,
      backoffMs: [50],
      ...options,
    };
    @Controller()
    class SessionsProbe {
      @EventPattern(Events.sessionStarted.subject, consumer)
      onStarted(@Payload() event: SessionStarted, @Ctx() ctx: JetStreamContext) {
        return handle(event, ctx);
      }
    }
    namespace = uniqueName('nt');
    app = await startProbeService({ namespace, controllers: [SessionsProbe] });
    client = app.get(NatsClient);
  }

  async function deadLetters(durable: string) {
    const stream = client.ns.stream('DLQ');
    const info = await client.jsm.streams.info(stream).catch(() => undefined);
    if (!info) return [];
    const found: { reason: string; subject: string; data: string }[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await client.jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (m && m.subject === client.ns.subject(deadLetterSubject('SESSIONS', durable))) {
        found.push({
          reason: m.header.get('dlq-reason'),
          subject: m.header.get('dlq-subject'),
          data: new TextDecoder().decode(m.data),
        });
      }
    }
    return found;
  }

  it('terms a payload that violates the contract to the dead-letter subject while valid messages keep flowing', async () => {
    const seen: string[] = [];
    await serve('dlq-flow', async (p) => {
      seen.push(p.mirrorId);
    });
    await client.publish(Events.sessionStarted, started('before'), { msgID: ulid() });
    await client.publishBytes('session.started', new TextEncoder().encode('{"v":1,"mirrorId":"BAD ID"}'), {
      msgID: ulid(),
    });
    await client.publish(Events.sessionStarted, started('after'), { msgID: ulid() });

    await waitFor(() => seen.length === 2);
    const dead = await waitFor(async () => {
      const d = await deadLetters('dlq-flow');
      return d.length === 1 ? d : undefined;
    });
    expect(seen.sort()).toEqual(['after', 'before']);
    expect(dead[0].reason).toMatch(/sessionId/);
    expect(dead[0].subject).toBe('session.started');
    expect(dead[0].data).toContain('BAD ID');
  });

  it('acks a message only once its handler has returned', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered = false;
    await serve(
      'ack-after',
      async () => {
        entered = true;
        await gate;
      },
      { ackWaitMs: 10000 },
    );
    const { seq } = await client.publish(Events.sessionStarted, started('ack-after'), { msgID: ulid() });
    const stream = client.ns.stream('SESSIONS');
    await waitFor(() => entered);
    const during = await client.jsm.consumers.info(stream, 'ack-after');
    expect(during.num_ack_pending).toBe(1);
    expect(during.ack_floor.stream_seq).toBe(0);

    release();
    const after = await waitFor(async () => {
      const info = await client.jsm.consumers.info(stream, 'ack-after');
      return info.num_ack_pending === 0 ? info : undefined;
    });
    expect(after.ack_floor.stream_seq).toBe(seq);
    expect(after.num_redelivered).toBe(0);
  });

  it('redelivers a message whose handler fails transiently after the backoff, then acks it', async () => {
    const attempts: { deliveries: number; at: number }[] = [];
    await serve(
      'transient',
      async (_p, ctx) => {
        attempts.push({ deliveries: ctx.getDeliveries(), at: Date.now() });
        if (ctx.getDeliveries() < 3) throw new Error('database briefly unavailable');
      },
      { backoffMs: [300, 600] },
    );
    await client.publish(Events.sessionStarted, started('transient'), { msgID: ulid() });
    await waitFor(() => attempts.length === 3);
    await sleep(300);
    expect(attempts.map((a) => a.deliveries)).toEqual([1, 2, 3]);
    // nak(delay): the first retry waits 300 ms, the second 600 ms
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(250);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(550);
    expect(await deadLetters('transient')).toHaveLength(0);
  });

  it('dead-letters a poison message at once without redelivery', async () => {
    let calls = 0;
    await serve('poison', async () => {
      calls++;
      throw new PoisonMessageError('refers to a mirror that was decommissioned\nmirror: m1');
    });
    await client.publish(Events.sessionStarted, started('poison'), { msgID: ulid() });
    const dead = await waitFor(async () => {
      const d = await deadLetters('poison');
      return d.length ? d : undefined;
    });
    await sleep(2500); // past two ack waits: a term that did not take would redeliver
    expect(calls).toBe(1);
    expect(dead[0].reason).toBe('refers to a mirror that was decommissioned mirror: m1');
  });

  it('gives up after maxDeliver attempts and keeps the message as a dead letter', async () => {
    let calls = 0;
    await serve(
      'give-up',
      async () => {
        calls++;
        throw new Error('always failing');
      },
      { maxDeliver: 3 },
    );
    await client.publish(Events.sessionStarted, started('give-up'), { msgID: ulid() });
    const dead = await waitFor(async () => {
      const d = await deadLetters('give-up');
      return d.length ? d : undefined;
    });
    expect(calls).toBe(3);
    expect(dead[0].reason).toMatch(/after 3 deliveries: always failing/);
  });

  it('publishes a msgID only once within the duplicate window', async () => {
    await serve('dedup', async () => undefined);
    const id = ulid();
    const first = await client.publish(Events.sessionStarted, started(), { msgID: id });
    const second = await client.publish(Events.sessionStarted, started(), { msgID: id });
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);
  });
});

describe(`${JetStreamServer.name} request/reply`, () => {
  const namespace = uniqueName('nr');
  let app: INestApplication;
  let client: NatsClient;
  let releaseSlow!: () => void;
  const slow = new Promise<void>((r) => (releaseSlow = r));

  @Controller()
  class PhotoUrls {
    @MessagePattern(Requests.photoUrl.subject)
    async url(@Payload() r: PhotoUrlRequest) {
      if (r.photoId === 'slow') await slow;
      if (r.photoId === 'missing') throw new RefusalError('NOT_FOUND', 'no such photo');
      if (r.photoId === 'gone') throw new RpcException({ code: 'GONE', message: 'deleted by its owner' });
      if (r.photoId === 'broken') throw new Error('bucket credentials rejected: key AKIA…');
      if (r.photoId === 'sloppy') return { url: 'not a url', expiresAt: 'soon' };
      return { url: `http://s3.local/${r.photoId}/${r.variant}`, expiresAt: new Date().toISOString() };
    }
  }

  beforeAll(async () => {
    app = await startProbeService({ namespace, controllers: [PhotoUrls] });
    // the requester is another process as far as NATS is concerned
    client = await NatsClient.connect({
      ...(await testNatsAuth()),
      servers: testEnv.natsUrl(),
      name: 'nats-rr-test',
      namespace,
      logger,
    });
  });
  afterAll(async () => {
    releaseSlow();
    await client.drain();
    await app.close();
  });

  it('tells "no responders" apart from "timeout"', async () => {
    const req = { kind: 'QR_STR_SCENE' as const, sceneStr: 's' };
    await expect(client.request(Requests.qrIssue, req, { timeoutMs: 500 })).rejects.toBeInstanceOf(
      NoRespondersError,
    );
    await expect(
      client.request(Requests.photoUrl, { photoId: 'slow' }, { timeoutMs: 300 }),
    ).rejects.toBeInstanceOf(RequestTimeoutError);
  });

  it('answers, refuses with a code, and names the invalid field', async () => {
    const ok = await client.request(Requests.photoUrl, { photoId: 'p1', variant: 'thumb' });
    expect(ok.url).toBe('http://s3.local/p1/thumb');
    await expect(client.request(Requests.photoUrl, { photoId: 'missing' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const raw = await client.nc.request(
      client.ns.subject('photo.url'),
      new TextEncoder().encode('{"photoId":"a b"}'),
    );
    expect(JSON.parse(new TextDecoder().decode(raw.data))).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', field: 'photoId' },
    });
    await expect(client.request(Requests.photoUrl, { photoId: 'missing' })).rejects.toBeInstanceOf(
      RequestRefusedError,
    );
  });

  it('answers an RpcException carrying a code as a refusal with that code', async () => {
    await expect(client.request(Requests.photoUrl, { photoId: 'gone' })).rejects.toMatchObject({
      name: 'RequestRefusedError',
      code: 'GONE',
      reason: 'deleted by its owner',
    });
  });

  it('answers INTERNAL, without the error message, when the handler fails or its answer breaks the contract', async () => {
    for (const photoId of ['broken', 'sloppy']) {
      const refused = await client.request(Requests.photoUrl, { photoId }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RequestRefusedError);
      expect(refused).toMatchObject({ code: 'INTERNAL', reason: 'photo.url failed; try again later' });
    }
  });
});
