import { Controller, type INestApplication } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Events, type SessionStarted } from '@mirror/contracts';
import { JetStreamServer, NatsClient } from '@mirror/nats';
import { MetricsService } from '@mirror/platform';
import { deleteNamespaceStreams, uniqueName, waitFor } from '@mirror/testing';
import { ulid } from 'ulid';
import { startProbeService } from './support/probe-service';

const started = (mirrorId: string) => ({ sessionId: ulid(), mirrorId, at: new Date().toISOString() });

/** The transport's metrics behind the dead-letter and consumer-lag alerts (deploy/monitoring). */
describe(`${JetStreamServer.name} metrics`, () => {
  let namespace: string;
  let app: INestApplication | undefined;
  let client: NatsClient;
  let release: () => void = () => undefined;

  afterEach(async () => {
    release();
    await app?.close();
    app = undefined;
    await deleteNamespaceStreams(namespace);
  });

  async function serve(durable: string, handle: (event: SessionStarted) => Promise<void>) {
    @Controller()
    class SessionsProbe {
      @EventPattern(Events.sessionStarted.subject, {
        durable,
        concurrency: 1,
        maxDeliver: 3,
        ackWaitMs: 30_000,
        backoffMs: [50],
      })
      onStarted(@Payload() event: SessionStarted) {
        return handle(event);
      }
    }
    namespace = uniqueName('ntm');
    app = await startProbeService({ namespace, controllers: [SessionsProbe], consumerInfoIntervalMs: 100 });
    client = app.get(NatsClient);
    return app.get(MetricsService).registry;
  }

  const value = async (
    registry: MetricsService['registry'],
    name: string,
    labels: Record<string, string>,
  ) => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const found = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
    return found?.value;
  };

  it('counts a message in nats_dead_letters_total once it is in the dead-letter stream', async () => {
    const registry = await serve('dlq-count', async () => undefined);
    const labels = { stream: 'SESSIONS', durable: 'dlq-count' };
    // at 0 from the start, so that a rate over it sees the first one
    expect(await value(registry, 'nats_dead_letters_total', labels)).toBe(0);

    await client.publishBytes('session.started', new TextEncoder().encode('{"v":1,"mirrorId":"BAD ID"}'), {
      msgID: ulid(),
    });
    await client.publish(Events.sessionStarted, started('fine'), { msgID: ulid() });

    await waitFor(async () => (await value(registry, 'nats_dead_letters_total', labels)) === 1);
    await waitFor(async () => (await value(registry, 'nats_messages_total', { outcome: 'ack' })) === 1);
    expect(await value(registry, 'nats_dead_letters_total', labels)).toBe(1);
  });

  it("reports a consumer's backlog (not delivered, not acked) and its draining", async () => {
    const gate = new Promise<void>((r) => (release = r));
    const registry = await serve('lag', () => gate);
    const labels = { stream: 'SESSIONS', durable: 'lag' };
    await waitFor(async () => (await value(registry, 'nats_consumer_pending_messages', labels)) === 0);

    for (let i = 0; i < 6; i++) {
      await client.publish(Events.sessionStarted, started(`m${i}`), { msgID: ulid() });
    }
    // one in the handler, the rest waiting on the server or in the client's pull buffer
    const backlog = async () =>
      ((await value(registry, 'nats_consumer_pending_messages', labels)) ?? 0) +
      ((await value(registry, 'nats_consumer_ack_pending_messages', labels)) ?? 0);
    await waitFor(async () => (await backlog()) === 6);
    expect(await value(registry, 'nats_consumer_ack_pending_messages', labels)).toBeGreaterThanOrEqual(1);

    release();
    await waitFor(async () => (await backlog()) === 0);
  });
});
