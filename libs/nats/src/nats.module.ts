import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { busInboxPrefix, type ServiceName, type StreamName } from '@mirror/contracts';
import { HealthRegistry, LOGGER, MetricsService } from '@mirror/platform';
import { JetStreamClientProxy } from './jetstream.client-proxy';
import { NatsClient } from './nats.client';

/** The NATS settings every service's config has (`natsShape` of @mirror/config). */
export interface NatsConfig {
  NATS_URL: string;
  NATS_NAMESPACE?: string;
  /** The contents of the service's `.creds` file (natsShape reads the file named by NATS_CREDS). */
  NATS_CREDS?: string;
}

export interface NatsModuleOptions {
  config: NatsConfig;
  /** Connection name, usually the service name. */
  name: string;
  /** Streams this service publishes to or consumes from; the transport declares them at start-up. */
  streams: StreamName[];
  /** How often the transport reads its durable consumers' backlog for `nats_consumer_pending_messages`, ms (15000). */
  consumerInfoIntervalMs?: number;
}

export const NATS_MODULE_OPTIONS = Symbol('NATS_MODULE_OPTIONS');

/**
 * Reports the connection to readiness, and drains it once the application shuts down. Nest closes the
 * transport (JetStreamServer.close: no more pulling or serving, in-flight work finished) before any
 * `onApplicationShutdown` hook, so by then only outgoing messages are left to flush.
 */
@Injectable()
class NatsConnectionLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(NatsClient) private readonly client: NatsClient,
    @Inject(HealthRegistry) health: HealthRegistry,
  ) {
    health.register(client.health());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.drain();
  }
}

/** The service's one NATS connection (NatsClient) and a Nest ClientProxy over it; handlers are wired by connectNatsTransport. */
@Global()
@Module({})
export class NatsModule {
  static forRoot(options: NatsModuleOptions): DynamicModule {
    return {
      module: NatsModule,
      providers: [
        { provide: NATS_MODULE_OPTIONS, useValue: options },
        {
          provide: NatsClient,
          inject: [LOGGER, MetricsService],
          useFactory: async (logger: Logger, metrics: MetricsService) => {
            const client = await NatsClient.connect({
              servers: options.config.NATS_URL,
              name: options.name,
              namespace: options.config.NATS_NAMESPACE,
              logger,
              creds: options.config.NATS_CREDS,
              // each user of a locked bus reads replies under its own prefix only
              inboxPrefix: options.config.NATS_CREDS
                ? busInboxPrefix({ service: options.name as ServiceName }, options.config.NATS_NAMESPACE)
                : undefined,
            });
            const refused = metrics.counter(
              'nats_permission_violations_total',
              'Subjects the locked bus refused this service (a role table out of step with the code, or misuse)',
              ['operation', 'subject'],
            );
            client.onPermissionViolation(({ operation, subject }) => refused.inc({ operation, subject }));
            return client;
          },
        },
        {
          provide: JetStreamClientProxy,
          inject: [NatsClient],
          useFactory: (client: NatsClient) => new JetStreamClientProxy(client),
        },
        NatsConnectionLifecycle,
      ],
      exports: [NatsClient, JetStreamClientProxy, NATS_MODULE_OPTIONS],
    };
  }
}
