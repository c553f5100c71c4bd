import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { NatsClient, NatsModule } from '@mirror/nats';
import { createRedis, HealthRegistry, LOGGER, MetricsService, redisHealth } from '@mirror/platform';
import { randomBytes } from 'crypto';
import { hostname } from 'os';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import type { VisionConfig } from './config';
import { DetectionPool } from './detection/detection-pool';
import { FrameHandler } from './frames/frame.handler';
import { Clock } from './session/clock';
import { MirrorStateRepository } from './session/mirror-state.repository';
import { SessionEventsPublisher } from './session/session-events.publisher';
import { VisionMetrics } from './session/vision.metrics';
import { VisionService, type VisionSettings } from './session/vision.service';

const REDIS = Symbol('REDIS');
const SETTINGS = Symbol('VISION_SETTINGS');

/** Maps validated configuration onto the rules' settings. */
export function visionSettings(c: VisionConfig): VisionSettings {
  return {
    presence: {
      startK: c.PRESENCE_START_K,
      windowN: c.PRESENCE_WINDOW_N,
      stayK: c.PRESENCE_STAY_K,
      absenceMs: c.SESSION_ABSENCE_MS,
      framesStoppedMs: c.SESSION_FRAMES_STOPPED_MS,
    },
    gate: { holdFrames: c.GESTURE_HOLD_FRAMES, refractoryMs: c.GESTURE_REFRACTORY_MS, maxDrift: 0.06 },
    swipe: {
      minTravel: c.SWIPE_MIN_TRAVEL,
      maxDurationMs: c.SWIPE_MAX_DURATION_MS,
      maxSlope: 0.6,
      minPoints: 3,
    },
    gestureMinConfidence: c.GESTURE_MIN_CONFIDENCE,
    maxFrameAgeMs: c.FRAME_MAX_AGE_MS,
    maxWidth: c.VISION_MAX_WIDTH,
    maxHeight: c.VISION_MAX_HEIGHT,
    difference: { pixelDelta: c.FRAME_DIFF_PIXEL_DELTA, minChangedPixels: c.FRAME_DIFF_MIN_PIXELS },
    reanalyseMs: c.FRAME_REANALYSE_MS,
    handDetectorIntervalFrames: c.HAND_DETECTOR_INTERVAL_FRAMES,
    leaseMs: c.MIRROR_LEASE_MS,
    debugEvents: c.VISION_DEBUG_EVENTS,
  };
}

/** Starts the detection workers and the timeout sweeper; stops them after NATS stopped delivering frames. */
@Injectable()
class VisionLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> = Promise.resolve();

  constructor(
    @Inject(DetectionPool) private readonly pool: DetectionPool,
    @Inject(VisionService) private readonly vision: VisionService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SETTINGS) private readonly settings: VisionSettings & { sweepIntervalMs: number },
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.pool.warmUp();
    this.logger.info({ workers: this.pool.threads }, 'detection workers ready');
    this.timer = setInterval(() => {
      this.sweeping = this.sweeping.then(() => this.vision.sweep());
    }, this.settings.sweepIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
    await this.pool.close();
    this.redis.disconnect();
  }
}

@Module({})
export class VisionModule {
  static forRoot(config: VisionConfig): DynamicModule {
    const replicaId = config.REPLICA_ID ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    return {
      module: VisionModule,
      imports: [
        NatsModule.forRoot({
          config,
          name: 'session-vision',
          streams: ['SESSIONS'],
        }),
      ],
      providers: [
        Clock,
        FrameHandler,
        VisionLifecycle,
        {
          provide: SETTINGS,
          useValue: { ...visionSettings(config), sweepIntervalMs: config.SWEEP_INTERVAL_MS },
        },
        {
          provide: REDIS,
          inject: [HealthRegistry],
          useFactory: async (health: HealthRegistry) => {
            const redis = createRedis({
              url: config.REDIS_URL,
              keyPrefix: config.REDIS_KEY_PREFIX,
              name: replicaId,
            });
            await redis.connect();
            health.register(redisHealth(redis));
            return redis;
          },
        },
        { provide: DetectionPool, useFactory: () => new DetectionPool({ threads: config.VISION_WORKERS }) },
        {
          provide: VisionMetrics,
          inject: [MetricsService],
          useFactory: (m: MetricsService) => new VisionMetrics(m),
        },
        {
          provide: MirrorStateRepository,
          inject: [REDIS],
          useFactory: (redis: Redis) => new MirrorStateRepository(redis, replicaId, config.MIRROR_LEASE_MS),
        },
        {
          provide: SessionEventsPublisher,
          inject: [NatsClient],
          useFactory: (nats: NatsClient) => new SessionEventsPublisher(nats),
        },
        {
          provide: VisionService,
          inject: [
            DetectionPool,
            MirrorStateRepository,
            SessionEventsPublisher,
            Clock,
            VisionMetrics,
            SETTINGS,
            LOGGER,
          ],
          useFactory: (
            pool: DetectionPool,
            repo: MirrorStateRepository,
            publisher: SessionEventsPublisher,
            clock: Clock,
            metrics: VisionMetrics,
            settings: VisionSettings,
            logger: Logger,
          ) =>
            new VisionService(
              pool,
              repo,
              publisher,
              clock,
              metrics,
              settings,
              logger.child({ replica: replicaId }),
            ),
        },
      ],
    };
  }
}
