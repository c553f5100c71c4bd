import { Events, deadLetterSubject, Requests, type SessionStarted } from '@mirror/contracts';
import {
  ConsumerRunner,
  NatsClient,
  NoRespondersError,
  PoisonMessageError,
  RefusalError,
  RequestRefusedError,
  RequestTimeoutError,
  type EventContext,
} from '@mirror/nats';
import { decode } from '@mirror/contracts';
import { deleteNamespaceStreams, testEnv, testLogger, uniqueName, waitFor } from '@mirror/testing';
import { ulid } from 'ulid';

const logger = testLogger();
const started = (mirrorId = 'm1') => ({ sessionId: ulid(), mirrorId, at: new Date().toISOString() });

describe(ConsumerRunner.name, () => {
  let namespace: string;
  let client: NatsClient;
  const runners: ConsumerRunner<unknown>[] = [];

  // Each test gets its own namespace: its own streams, consumers and dead letters.
  beforeEach(async () => {
    namespace = uniqueName('nt');
    client = await NatsClient.connect({
      servers: testEnv.natsUrl(),
      name: 'nats-lib-test',
      namespace,
      logger,
    });
    await client.ensureStreams(['SESSIONS', 'DLQ']);
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    await client.drain();
    await deleteNamespaceStreams(namespace);
  });

  async function run(
    durable: string,
    handle: (p: SessionStarted, ctx: EventContext) => Promise<void>,
    maxDeliver = 5,
  ) {
    await client.ensureConsumer({
      stream: 'SESSIONS',
      durable,
      subject: 'session.started',
      maxDeliver,
      ackWaitMs: 1000,
    });
    const sut = new ConsumerRunner<SessionStarted>(
      client,
      {
        stream: 'SESSIONS',
        durable,
        subject: 'session.started',
        decode: (m) => decode(Events.sessionStarted, m.data),
        handle,
        concurrency: 2,
        maxDeliver,
        backoffMs: [50],
      },
      logger,
    );
    sut.start();
    runners.push(sut as ConsumerRunner<unknown>);
    return sut;
  }

  async function deadLetters(durable: string) {
    const stream = client.ns.stream('DLQ');
    const info = await client.jsm.streams.info(stream).catch(() => undefined);
    if (!info) return [];
    const found: { reason: string; subject: string; data: string }[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await client.jsm.streams.getMessage(stream, { seq }).catch(() => undefined);
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
    await run('dlq-flow', async (p) => {
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

  it('redelivers a message whose handler fails transiently, then acks it', async () => {
    const attempts: number[] = [];
    await run('transient', async (_p, ctx) => {
      attempts.push(ctx.deliveries);
      if (ctx.deliveries < 3) throw new Error('database briefly unavailable');
    });
    await client.publish(Events.sessionStarted, started('transient'), { msgID: ulid() });
    await waitFor(() => attempts.length === 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(attempts).toEqual([1, 2, 3]);
    expect(await deadLetters('transient')).toHaveLength(0);
  });

  it('dead-letters a poison message at once without redelivery', async () => {
    let calls = 0;
    await run('poison', async () => {
      calls++;
      throw new PoisonMessageError('refers to a mirror that was decommissioned\nmirror: m1');
    });
    await client.publish(Events.sessionStarted, started('poison'), { msgID: ulid() });
    const dead = await waitFor(async () => {
      const d = await deadLetters('poison');
      return d.length ? d : undefined;
    });
    await new Promise((r) => setTimeout(r, 2500)); // past two ack waits: a term that did not take would redeliver
    expect(calls).toBe(1);
    expect(dead[0].reason).toBe('refers to a mirror that was decommissioned mirror: m1');
  });

  it('gives up after maxDeliver attempts and keeps the message as a dead letter', async () => {
    let calls = 0;
    await run(
      'give-up',
      async () => {
        calls++;
        throw new Error('always failing');
      },
      3,
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
    const id = ulid();
    const first = await client.publish(Events.sessionStarted, started(), { msgID: id });
    const second = await client.publish(Events.sessionStarted, started(), { msgID: id });
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);
  });
});

describe(`${NatsClient.name} request/reply`, () => {
  const namespace = uniqueName('nr');
  let client: NatsClient;

  beforeAll(async () => {
    client = await NatsClient.connect({
      servers: testEnv.natsUrl(),
      name: 'nats-rr-test',
      namespace,
      logger,
    });
  });
  afterAll(() => client.drain());

  it('tells "no responders" apart from "timeout"', async () => {
    const req = { photoId: 'p1', variant: 'thumb' as const, ttlSeconds: 60 };
    await expect(client.request(Requests.photoUrl, req, { timeoutMs: 500 })).rejects.toBeInstanceOf(
      NoRespondersError,
    );
    const sub = client.serve(Requests.photoUrl, () => new Promise(() => undefined));
    await expect(client.request(Requests.photoUrl, req, { timeoutMs: 300 })).rejects.toBeInstanceOf(
      RequestTimeoutError,
    );
    sub.unsubscribe();
  });

  it('answers, refuses with a code, and names the invalid field', async () => {
    const sub = client.serve(Requests.photoUrl, async (r) => {
      if (r.photoId === 'missing') throw new RefusalError('NOT_FOUND', 'no such photo');
      return { url: `http://s3.local/${r.photoId}/${r.variant}`, expiresAt: new Date().toISOString() };
    });
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
    sub.unsubscribe();
  });
});
