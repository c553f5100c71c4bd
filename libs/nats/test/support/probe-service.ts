import type { INestApplication, Type } from '@nestjs/common';
import type { StreamName } from '@mirror/contracts';
import { NatsModule, connectNatsTransport } from '@mirror/nats';
import { bootstrapService } from '@mirror/platform';
import { testEnv, testNatsAuth } from '@mirror/testing';

/**
 * Starts a small service the way every service starts (bootstrapService with connectNatsTransport), with
 * the given controllers as its NATS handlers, in its own namespace.
 */
export async function startProbeService(options: {
  namespace?: string;
  controllers: Type[];
  streams?: StreamName[];
  servers?: string;
  providers?: Type[];
  imports?: Type[];
  consumerInfoIntervalMs?: number;
}): Promise<INestApplication> {
  // on a locked bus the probe signs in as the test harness (allowed everything)
  const { creds } = await testNatsAuth();
  return bootstrapService({
    name: 'probe',
    loadConfig: () => ({
      PORT: 0,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      SHUTDOWN_TIMEOUT_MS: 5000,
    }),
    module: () => ({
      module: class ProbeModule {},
      imports: [
        NatsModule.forRoot({
          config: {
            NATS_URL: options.servers ?? testEnv.natsUrl(),
            NATS_NAMESPACE: options.namespace,
            NATS_CREDS: options.servers ? undefined : creds,
          },
          name: 'probe',
          streams: options.streams ?? [],
          consumerInfoIntervalMs: options.consumerInfoIntervalMs,
        }),
        ...(options.imports ?? []),
      ],
      controllers: options.controllers,
      providers: options.providers ?? [],
    }),
    microservices: connectNatsTransport,
  });
}
