import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { Events, Requests, type PhotoUrlRequest } from '@mirror/contracts';
import { JetStreamPublishError, NatsClient, RequestMux, RequestTimeoutError } from '@mirror/nats';
import {
  LocalNatsServer,
  deleteNamespaceStreams,
  testEnv,
  testLogger,
  uniqueName,
  connectTestNats,
  testNatsAuth,
} from '@mirror/testing';
import { ulid } from 'ulid';
import { startProbeService } from './support/probe-service';

const te = new TextEncoder();
const td = new TextDecoder();
const logger = testLogger();

describe(RequestMux.name, () => {
  let nc: NatsConnection;
  let mux: RequestMux;
  const subject = uniqueName('mux');

  beforeEach(async () => {
    nc = await connectTestNats();
    mux = new RequestMux(nc);
  });
  afterEach(async () => {
    mux.close();
    await nc.close();
  });

  it('routes each answer to its own request when answers come back in another order', async () => {
    // The responder holds every request and answers them in reverse, each echoing its own payload.
    const held: { reply: string; data: Uint8Array }[] = [];
    const sub = nc.subscribe(subject, {
      callback: (_err, msg) => {
        held.push({ reply: msg.reply!, data: msg.data });
        if (held.length === 20) for (const h of held.reverse()) nc.publish(h.reply, h.data);
      },
    });
    await nc.flush();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => mux.request(subject, te.encode(`q${i}`), 2000)),
    );
    expect(outcomes.map((o) => (o.kind === 'answer' ? td.decode(o.msg.data) : o.kind))).toEqual(
      Array.from({ length: 20 }, (_, i) => `q${i}`),
    );
    expect(mux.size).toBe(0);
    sub.unsubscribe();
  });

  it('says "no responders" at once when nobody listens, and "timeout" when the listener is silent', async () => {
    const t0 = Date.now();
    await expect(mux.request(`${subject}.nobody`, te.encode('x'), 5000)).resolves.toEqual({
      kind: 'no-responders',
    });
    expect(Date.now() - t0).toBeLessThan(2000);

    const silent = nc.subscribe(`${subject}.silent`);
    await nc.flush();
    const t1 = Date.now();
    await expect(mux.request(`${subject}.silent`, te.encode('x'), 200)).resolves.toEqual({ kind: 'timeout' });
    expect(Date.now() - t1).toBeGreaterThanOrEqual(190);
    expect(mux.size).toBe(0);
    silent.unsubscribe();
  });

  it('ignores an answer that comes after its request timed out', async () => {
    const replies: string[] = [];
    const sub = nc.subscribe(`${subject}.late`, { callback: (_e, m) => void replies.push(m.reply!) });
    await nc.flush();
    await expect(mux.request(`${subject}.late`, te.encode('x'), 100)).resolves.toEqual({ kind: 'timeout' });
    // The late answer is dropped; the next request still gets its own answer.
    nc.publish(replies[0], te.encode('late'));
    const next = mux.request(`${subject}.late`, te.encode('y'), 2000);
    await nc.flush();
    while (replies.length < 2) await new Promise((r) => setTimeout(r, 10));
    nc.publish(replies[1], te.encode('fresh'));
    const outcome = await next;
    expect(outcome.kind === 'answer' && td.decode(outcome.msg.data)).toBe('fresh');
    sub.unsubscribe();
  });

  it('passes an answer that carries a status header but also a body on as an answer', async () => {
    const sub = nc.subscribe(`${subject}.status`, {
      callback: (_e, m) => {
        const h = headers(503, 'busy');
        m.respond(te.encode('{"busy":true}'), { headers: h });
      },
    });
    await nc.flush();
    const outcome = await mux.request(`${subject}.status`, te.encode('x'), 2000);
    expect(outcome.kind).toBe('answer');
    sub.unsubscribe();
  });

  it('ends what is in flight as timed out when closed', async () => {
    const silent = nc.subscribe(`${subject}.closing`);
    await nc.flush();
    const pending = mux.request(`${subject}.closing`, te.encode('x'), 60_000);
    mux.close();
    await expect(pending).resolves.toEqual({ kind: 'timeout' });
    silent.unsubscribe();
  });
});

describe(`${NatsClient.name} over the request mux`, () => {
  it('keeps answering after NATS restarts, and settles a request made during the outage', async () => {
    @Controller()
    class PhotoUrls {
      @MessagePattern(Requests.photoUrl.subject)
      async url(@Payload() r: PhotoUrlRequest) {
        return { url: `http://s3.local/${r.photoId}`, expiresAt: new Date().toISOString() };
      }
    }
    const server = await LocalNatsServer.start();
    const client = await NatsClient.connect({ servers: server.url, name: 'mux-requester', logger });
    const responder = await startProbeService({ servers: server.url, controllers: [PhotoUrls] });
    const ask = (photoId: string, timeoutMs: number) =>
      client.request(Requests.photoUrl, { photoId }, { timeoutMs });
    try {
      await expect(ask('before', 2000)).resolves.toMatchObject({ url: 'http://s3.local/before' });
      await server.stop();
      // Buffered while disconnected: answered if the responder is back first, refused otherwise; never a hang.
      const during = ask('during', 3000).then(
        (a) => a.url,
        (e: Error) => e.name,
      );
      await server.resume();
      expect(['http://s3.local/during', 'NoRespondersError', 'RequestTimeoutError']).toContain(await during);
      // The inbox subscription is back: answers reach the requester again.
      let after: string | undefined;
      for (let i = 0; i < 50 && !after; i++) {
        after = await ask('after', 500).then(
          (a) => a.url,
          () => undefined,
        );
        if (!after) await new Promise((r) => setTimeout(r, 100));
      }
      expect(after).toBe('http://s3.local/after');
    } finally {
      await client.drain();
      await responder.close();
      await server.dispose();
    }
  }, 30_000);

  describe('publishing to JetStream', () => {
    const namespace = uniqueName('mj');
    let client: NatsClient;
    const started = () => ({ sessionId: ulid(), mirrorId: 'm1', at: new Date().toISOString() });

    beforeAll(async () => {
      client = await NatsClient.connect({
        ...(await testNatsAuth()),
        servers: testEnv.natsUrl(),
        name: 'mux-js',
        namespace,
        logger,
      });
      await client.ensureStreams(['SESSIONS']);
    });
    afterAll(async () => {
      await client.drain();
      await deleteNamespaceStreams(namespace);
    });

    it('returns the stream, sequence and duplicate flag of the ack', async () => {
      const id = ulid();
      const first = await client.publish(Events.sessionStarted, started(), { msgID: id });
      const again = await client.publish(Events.sessionStarted, started(), { msgID: id });
      const other = await client.publish(Events.sessionStarted, started(), { msgID: ulid() });
      expect(first).toMatchObject({ stream: client.ns.stream('SESSIONS'), duplicate: false });
      expect(again).toMatchObject({ seq: first.seq, duplicate: true });
      expect(other).toMatchObject({ seq: first.seq + 1, duplicate: false });
    });

    it('fails with JetStreamPublishError when no stream takes the subject', async () => {
      await expect(
        client.publishBytes('nowhere.at.all', te.encode('{}'), { msgID: ulid() }),
      ).rejects.toBeInstanceOf(JetStreamPublishError);
    });

    it('fails with the stream\u2019s own error code when the stream refuses the message', async () => {
      const stream = client.ns.stream('SESSIONS');
      const info = await client.jsm.streams.info(stream);
      const last = info.state.last_seq;
      const h = { 'Nats-Expected-Last-Sequence': String(last + 100) };
      const refused = client.publishBytes(Events.sessionStarted.subject, te.encode('{}'), {
        msgID: ulid(),
        headers: h,
      });
      await expect(refused).rejects.toBeInstanceOf(JetStreamPublishError);
      await expect(refused).rejects.toMatchObject({ errCode: 10071 });
      expect((await client.jsm.streams.info(stream)).state.last_seq).toBe(last);
    });

    it('fails with RequestTimeoutError when no ack comes in time', async () => {
      // A core subscriber that never answers stands in for a stream that cannot ack in time.
      const silent = client.nc.subscribe(client.ns.subject('slow.subject'));
      await client.nc.flush();
      await expect(
        client.publishBytes('slow.subject', te.encode('{}'), { msgID: ulid(), timeoutMs: 150 }),
      ).rejects.toBeInstanceOf(RequestTimeoutError);
      silent.unsubscribe();
    });
  });
});
