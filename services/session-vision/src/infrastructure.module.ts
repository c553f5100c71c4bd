import { Global, Module, type DynamicModule } from '@nestjs/common';
import { NatsModule } from '@mirror/nats';
import { PoolRegistry, REDIS, redisProviders } from '@mirror/platform';
import { SERVICE_NAME, type AppConfig } from './config';
import { DetectionPool } from './detection/detection-pool';
import { FRAMES_SETTINGS, framesSettings } from './frames/frames.settings';
import { GESTURES_SETTINGS, gesturesSettings } from './gestures/gestures.settings';
import { PARTITIONS_SETTINGS, partitionsSettings } from './partitions/partitions.settings';
import { SESSIONS_SETTINGS, sessionsSettings } from './sessions/sessions.settings';
import { VisionMetrics } from './shared/vision.metrics';

/**
 * Everything session-vision's features share, built from the config (the only place that reads it): NATS,
 * Redis (leases and per-mirror state), the detection worker pool, the metrics, and one settings value per
 * feature.
 */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: AppConfig): DynamicModule {
    const settings = [
      { provide: FRAMES_SETTINGS, useValue: framesSettings(config) },
      { provide: SESSIONS_SETTINGS, useValue: sessionsSettings(config) },
      { provide: GESTURES_SETTINGS, useValue: gesturesSettings(config) },
      { provide: PARTITIONS_SETTINGS, useValue: partitionsSettings(config) },
    ];
    return {
      module: InfrastructureModule,
      imports: [NatsModule.forRoot({ config, name: SERVICE_NAME, streams: ['SESSIONS'] })],
      providers: [
        // named after the replica: Redis' CLIENT LIST shows who holds which connection
        ...redisProviders({
          url: config.REDIS_URL,
          keyPrefix: config.REDIS_KEY_PREFIX,
          name: config.REPLICA_ID,
        }),
        {
          provide: DetectionPool,
          inject: [PoolRegistry],
          useFactory: (pools: PoolRegistry) => {
            const pool = new DetectionPool({ threads: config.VISION_WORKERS });
            // the workers stop after NATS has drained and the frames in hand are handled
            pools.register({ name: 'detection', close: () => pool.close() });
            return pool;
          },
        },
        VisionMetrics,
        ...settings,
      ],
      exports: [REDIS, DetectionPool, VisionMetrics, ...settings.map((s) => s.provide)],
    };
  }
}
