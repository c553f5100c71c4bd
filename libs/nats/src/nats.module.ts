import {
  Global,
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Subscription } from 'nats';
import type { Logger } from 'pino';
import { decode, type StreamName } from '@mirror/contracts';
import { HealthRegistry, LOGGER, MetricsService } from '@mirror/platform';
import { ConsumerRunner, type EventContext } from './consumer.runner';
import { NATS_HANDLER, type NatsHandlerMetadata } from './decorators';
import { NatsClient } from './nats.client';

/** The NATS settings every service's config has (`natsShape` of @mirror/config). */
export interface NatsConfig {
  NATS_URL: string;
  NATS_NAMESPACE?: string;
}

export interface NatsModuleOptions {
  config: NatsConfig;
  /** Connection name, usually the service name. */
  name: string;
  /** Streams this service publishes to or consumes from; declared idempotently at start-up. */
  streams: StreamName[];
}

const NATS_OPTIONS = Symbol('NATS_OPTIONS');
const DEFAULT_BACKOFF_MS = [1000, 5000, 15000, 30000, 60000];

/**
 * Finds `@OnEvent`/`@OnJetStream`/`@OnRequest`/`@OnMessage` methods on providers and wires them to NATS
 * once the app is built; on shutdown stops consuming, lets in-flight work finish, then drains.
 */
@Injectable()
export class NatsHandlersExplorer
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly runners: ConsumerRunner<unknown>[] = [];
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly client: NatsClient,
    @Inject(NATS_OPTIONS) private readonly options: NatsModuleOptions,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly metrics: MetricsService,
    health: HealthRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    health.register(client.health());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.client.ensureStreams(this.options.streams);
    const handled = this.metrics.counter('nats_messages_total', 'JetStream messages handled, by outcome', [
      'subject',
      'outcome',
    ]);
    const seconds = this.metrics.histogram('nats_handler_seconds', 'Time to handle a JetStream message', [
      'subject',
    ]);
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      for (const key of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const method = instance[key] as (...args: unknown[]) => unknown;
        const meta = this.reflector.get<NatsHandlerMetadata | undefined>(NATS_HANDLER, method);
        if (!meta) continue;
        const bound = method.bind(instance);
        if (meta.kind === 'jetstream') {
          const o = meta.options;
          const maxDeliver = o.maxDeliver ?? 10;
          const ackWaitMs = o.ackWaitMs ?? 30000;
          await this.client.ensureConsumer({
            stream: o.stream,
            durable: o.durable,
            subject: o.subject,
            maxDeliver,
            ackWaitMs,
          });
          const contract = o.contract;
          const runner = new ConsumerRunner<unknown>(
            this.client,
            {
              stream: o.stream,
              durable: o.durable,
              subject: o.subject,
              decode: contract ? (m) => decode(contract, m.data) : (m) => m.data,
              handle: (payload, ctx: EventContext) => bound(payload, ctx) as Promise<void>,
              concurrency: o.concurrency ?? 4,
              maxDeliver,
              backoffMs: o.backoffMs ?? DEFAULT_BACKOFF_MS,
              onOutcome: (outcome, subject, s) => {
                handled.inc({ subject, outcome });
                seconds.observe({ subject }, s);
              },
            },
            this.logger.child({ consumer: o.durable }),
          );
          runner.start();
          this.runners.push(runner);
        } else if (meta.kind === 'request') {
          this.subscriptions.push(
            this.client.serve(meta.contract, (req, msg) => bound(req, msg) as Promise<never>, {
              queue: meta.queue,
            }),
          );
        } else {
          this.subscriptions.push(
            this.client.subscribe(meta.subject, (msg, subject) => bound(msg, subject) as void, {
              queue: meta.queue,
            }),
          );
        }
        this.logger.debug(
          { handler: `${instance.constructor.name}.${key}`, kind: meta.kind },
          'NATS handler wired',
        );
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.subscriptions.map((s) => s.drain()));
    await Promise.allSettled(this.runners.map((r) => r.stop()));
    await this.client.settleReplies();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.drain();
  }
}

@Global()
@Module({})
export class NatsModule {
  static forRoot(options: NatsModuleOptions): DynamicModule {
    return {
      module: NatsModule,
      imports: [DiscoveryModule],
      providers: [
        { provide: NATS_OPTIONS, useValue: options },
        {
          provide: NatsClient,
          inject: [LOGGER],
          useFactory: (logger: Logger) =>
            NatsClient.connect({
              servers: options.config.NATS_URL,
              name: options.name,
              namespace: options.config.NATS_NAMESPACE,
              logger,
            }),
        },
        NatsHandlersExplorer,
      ],
      exports: [NatsClient],
    };
  }
}
