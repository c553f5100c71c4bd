import { PATTERN_EXTRAS_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { JsMsg } from '@nats-io/jetstream';
import { JetStreamContext, PoisonMessageError, planBindings } from '@mirror/nats';
import { ManualClock, MetricsService } from '@mirror/platform';
import { PHOTO_CONSUMER, PhotoIntakeHandler } from '../../src/photos/photo-intake.handler';
import type { IncomingPhoto } from '../../src/photos/photo-envelope';
import type { IntakeResult, PhotoIntakeService } from '../../src/photos/photo-intake.service';
import { PhotoRejectedError } from '../../src/photos/photo.errors';
import { PhotoMetrics } from '../../src/photos/photo.metrics';
import { PHOTO_SETTINGS, type PhotoSettings } from '../../src/photos/photos.settings';

const settings = (o: Partial<PhotoSettings> = {}): PhotoSettings => ({
  bucket: 'photos',
  region: 'us-east-1',
  concurrency: 2,
  ackWaitMs: 30000,
  dedupWindowSeconds: 60,
  kvReplicas: 1,
  ...o,
});

function makeSut(result: IntakeResult, o: Partial<PhotoSettings> = {}) {
  const received: IncomingPhoto[] = [];
  const intake = {
    receive: async (photo: IncomingPhoto) => {
      received.push(photo);
      return result;
    },
  } as unknown as PhotoIntakeService;
  const metrics = new PhotoMetrics(new MetricsService());
  const sut = new PhotoIntakeHandler(intake, metrics, new ManualClock(), settings(o));
  return { sut, received };
}

/**
 * The consumer the transport starts for the handler: the pattern Nest reads off the method, its `settings`
 * read from the providers (here, PHOTO_SETTINGS alone) as connectNatsTransport does when it starts.
 */
function consumer(provided: PhotoSettings) {
  const method = PhotoIntakeHandler.prototype.onPhoto;
  const [binding] = planBindings(
    [
      {
        pattern: (Reflect.getMetadata(PATTERN_METADATA, method) as string[])[0],
        handler: async () => undefined,
        isEventHandler: true,
        extras: Reflect.getMetadata(PATTERN_EXTRAS_METADATA, method) as Record<string, unknown>,
      },
    ],
    (token) => {
      if (token !== PHOTO_SETTINGS) throw new Error(`nothing provides ${String(token)}`);
      return provided;
    },
  );
  return binding;
}

function delivery(): JetStreamContext {
  const h = natsHeaders();
  h.set('Nats-Msg-Id', 'P1');
  h.set('taken-at', '2025-06-01T10:00:00.000Z');
  const msg = {
    headers: h,
    info: { streamSequence: 42, deliveryCount: 1, timestampNanos: 1e15 },
    working: () => undefined,
  } as unknown as JsMsg;
  return new JetStreamContext(['mirror.shop-7.photo', msg]);
}

describe(PhotoIntakeHandler.name, () => {
  it('consumes mirror photos from PHOTOS_IN with the configured concurrency and ack wait', () => {
    expect(consumer(settings({ concurrency: 7, ackWaitMs: 12000 }))).toMatchObject({
      kind: 'jetstream',
      subject: 'mirror.*.photo',
      stream: 'PHOTOS_IN',
      durable: PHOTO_CONSUMER,
      concurrency: 7,
      ackWaitMs: 12000,
      maxDeliver: 200,
    });
  });

  it('takes the configuration of the application being started, whatever else was configured before', () => {
    expect(consumer(settings({ concurrency: 3, ackWaitMs: 4000 }))).toMatchObject({
      concurrency: 3,
      ackWaitMs: 4000,
    });
    expect(consumer(settings({ concurrency: 5, ackWaitMs: 9000 }))).toMatchObject({
      concurrency: 5,
      ackWaitMs: 9000,
    });
  });

  it('hands the subject, headers, bytes and stream sequence to the intake', async () => {
    const { sut, received } = makeSut({ outcome: 'duplicate', photoId: 'P1', of: 'P1' });
    const bytes = new Uint8Array([1, 2, 3]);
    await sut.onPhoto(bytes, delivery());
    expect(received).toEqual([
      {
        subject: 'mirror.shop-7.photo',
        headers: { 'Nats-Msg-Id': 'P1', 'taken-at': '2025-06-01T10:00:00.000Z' },
        bytes,
        streamSequence: 42,
      },
    ]);
  });

  it('dead-letters a rejected photo (PoisonMessageError carries the reason)', async () => {
    const error = new PhotoRejectedError('not-an-image', 'not a readable image');
    const { sut } = makeSut({ outcome: 'rejected', error });
    await expect(sut.onPhoto(new Uint8Array([0]), delivery())).rejects.toEqual(
      new PoisonMessageError(error.message),
    );
  });
});
