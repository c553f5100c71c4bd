import { Controller, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Events, type SessionStarted } from '@mirror/contracts';
import { NatsClient, NatsModule, connectNatsTransport } from '@mirror/nats';
import { bootstrapService } from '@mirror/platform';
import { LocalNatsServer, waitFor } from '@mirror/testing';
import { ulid } from 'ulid';

const received: string[] = [];

@Controller()
class SessionsSeen {
  @EventPattern(Events.sessionStarted.subject, { durable: 'recovery-test' })
  async onStarted(@Payload() event: SessionStarted) {
    received.push(event.mirrorId);
  }
}

@Module({})
class ProbeModule {
  static register(servers: string): DynamicModule {
    return {
      module: ProbeModule,
      imports: [NatsModule.forRoot({ config: { NATS_URL: servers }, name: 'probe', streams: ['SESSIONS'] })],
      controllers: [SessionsSeen],
    };
  }
}

async function readyz(app: INestApplication) {
  const res = await fetch(`${await app.getUrl()}/readyz`);
  return { status: res.status, body: (await res.json()) as { failing: string[] } };
}

describe('service readiness', () => {
  let nats: LocalNatsServer;
  let app: INestApplication;

  beforeAll(async () => {
    nats = await LocalNatsServer.start();
    app = await bootstrapService(
      {
        name: 'probe',
        loadConfig: () => ({
          PORT: 0,
          LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
          SHUTDOWN_TIMEOUT_MS: 5000,
        }),
        module: () => ProbeModule.register(nats.url),
        microservices: connectNatsTransport,
      },
      {},
    );
  });
  afterAll(async () => {
    await app.close();
    await nats.dispose();
  });

  it('answers healthz and readyz while its dependencies are up', async () => {
    expect((await fetch(`${await app.getUrl()}/healthz`)).status).toBe(200);
    expect(await readyz(app)).toMatchObject({ status: 200, body: { failing: [] } });
  });

  it('turns 503 naming NATS while NATS is down, and recovers by itself when it is back', async () => {
    await nats.stop();
    const down = await waitFor(async () => {
      const r = await readyz(app);
      return r.status === 503 ? r : undefined;
    });
    expect(down.body.failing).toEqual(['nats']);
    expect((await fetch(`${await app.getUrl()}/healthz`)).status).toBe(200);

    await nats.resume();
    await waitFor(async () => (await readyz(app)).status === 200, 20000);

    // the durable consumer resumes too: an event published after the outage is handled
    const client = app.get(NatsClient);
    await client.publish(
      Events.sessionStarted,
      { sessionId: ulid(), mirrorId: 'after-outage', at: new Date().toISOString() },
      { msgID: ulid() },
    );
    await waitFor(() => received.includes('after-outage'), 20000);
  });

  it('serves Prometheus metrics', async () => {
    const text = await (await fetch(`${await app.getUrl()}/metrics`)).text();
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('nats_messages_total');
  });
});
