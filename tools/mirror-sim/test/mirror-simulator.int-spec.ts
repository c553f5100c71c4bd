import {
  FramePartitions,
  MirrorSubjects,
  decode,
  mirrorControl,
  mirrorDisplay,
  mirrorGesture,
  mirrorStatus,
  type MirrorStatus,
} from '@mirror/contracts';
import {
  MIRROR_SIM_VERSION,
  MirrorSimulator,
  ScreenServer,
  defaultSequence,
  emptyFrame,
  type PhotoTaken,
} from '@mirror/mirror-sim';
import { NatsClient } from '@mirror/nats';
import type { Msg } from '@nats-io/transport-node';
import {
  deleteNamespaceStreams,
  testEnv,
  testLogger,
  uniqueName,
  waitFor,
  testNatsAuth,
} from '@mirror/testing';
import sharp from 'sharp';
import { ulid } from 'ulid';

describe(MirrorSimulator.name, () => {
  const namespace = uniqueName('ms');
  const mirrorId = 'sim-test-1';
  let nats: NatsClient;
  let sut: MirrorSimulator;
  let screen: ScreenServer;
  let screenUrl: string;

  beforeAll(async () => {
    nats = await NatsClient.connect({
      ...(await testNatsAuth()),
      servers: testEnv.natsUrl(),
      name: 'sim-test',
      namespace,
      logger: testLogger(),
    });
    await nats.ensureStreams(['PHOTOS_IN']);
  });
  beforeEach(async () => {
    sut = new MirrorSimulator(nats, { mirrorId, fps: 20, loop: true, autoPhotoAfterSeconds: 0 });
    screen = new ScreenServer(sut);
    screenUrl = await screen.listen(0);
  });
  afterEach(async () => {
    await sut.stop();
    await screen.close();
  });
  afterAll(async () => {
    await nats.drain();
    await deleteNamespaceStreams(namespace);
  });

  it('reports its version and frame rate on mirror.<id>.status at start and then every interval', async () => {
    const statuses: MirrorStatus[] = [];
    const sub = nats.subscribe(MirrorSubjects.of('status', 'sim-status-1'), (m) => {
      statuses.push(decode(mirrorStatus, m.data));
    });
    await nats.nc.flush();
    const reporting = new MirrorSimulator(nats, {
      mirrorId: 'sim-status-1',
      fps: 10,
      loop: true,
      autoPhotoAfterSeconds: 0,
      version: 'acme-mirror 2.4.1',
      statusIntervalMs: 200,
    });
    try {
      reporting.start([{ jpeg: await emptyFrame(), label: 'empty' }]);
      await waitFor(() => statuses.length >= 3, 5000);
      expect(statuses[0]).toMatchObject({ version: 'acme-mirror 2.4.1', fps: 10 });
      expect(new Set(statuses.map((st) => st.startedAt)).size).toBe(1);
    } finally {
      await reporting.stop();
      sub.unsubscribe();
    }
    expect(MIRROR_SIM_VERSION).toMatch(/^mirror-sim \d+\.\d+\.\d+$/);
  });

  it('publishes JPEG frames with ts and seq headers', async () => {
    const got: Msg[] = [];
    const sub = nats.subscribe(
      `vision.frame.${FramePartitions.of(mirrorId)}.${mirrorId}`,
      (m) => void got.push(m),
    ); // where the bus maps the mirror's frames
    sut.start([{ jpeg: await emptyFrame(), label: 'empty' }]);
    await waitFor(() => got.length >= 3);
    sub.unsubscribe();
    const seqs = got.map((m) => Number(m.headers?.get('seq')));
    expect(seqs.slice(0, 3)).toEqual([seqs[0], seqs[0] + 1, seqs[0] + 2]);
    expect(Number(got[0].headers?.get('ts'))).toBeGreaterThan(Date.now() - 10000);
    expect((await sharp(Buffer.from(got[0].data)).metadata()).format).toBe('jpeg');
  });

  it('sends frames at the rate session-vision asks for, never above its camera, while the scene keeps time', async () => {
    const got: Msg[] = [];
    const sub = nats.subscribe(
      `vision.frame.${FramePartitions.of(mirrorId)}.${mirrorId}`,
      (m) => void got.push(m),
    ); // where the bus maps the mirror's frames
    const sequence = Array.from({ length: 40 }, (_, i) => ({
      jpeg: Buffer.from([0xff, 0xd8, i]),
      label: `f${i}`,
    }));
    sut.start(sequence);
    const rates: number[] = [];
    sut.on('frame-rate', (fps: number) => rates.push(fps));
    const sentIn = async (ms: number) => {
      const from = got.length;
      await new Promise((r) => setTimeout(r, ms));
      return got.length - from;
    };
    expect(await sentIn(1000)).toBeGreaterThanOrEqual(14); // the camera's 20 fps before any advice
    nats.emit(mirrorControl, MirrorSubjects.of('control', mirrorId), {
      kind: 'frame-rate',
      fps: 2,
      reason: 'idle',
    });
    await waitFor(() => rates.length === 1);
    await sentIn(300);
    const idle = await sentIn(2000);
    expect(idle).toBeGreaterThanOrEqual(3);
    expect(idle).toBeLessThanOrEqual(5);
    // frames skipped, not slowed: the camera moved on ~20 frames per second meanwhile
    const [a, b] = got.slice(-2).map((m) => m.data[2]);
    expect((b - a + 40) % 40).toBeGreaterThanOrEqual(8);
    nats.emit(mirrorControl, MirrorSubjects.of('control', mirrorId), {
      kind: 'frame-rate',
      fps: 30,
      reason: 'session',
    });
    await waitFor(() => rates.length === 2);
    expect(rates).toEqual([2, 20]); // capped at the camera's rate
    await sentIn(200);
    expect(await sentIn(1000)).toBeGreaterThanOrEqual(14);
    sub.unsubscribe();
  });

  it('shows the session QR on its screen and shoots the photo binding asks for when the countdown ends, once', async () => {
    sut.start(await defaultSequence(20, 1, 0.2));
    const sessionId = ulid();
    nats.emit(mirrorDisplay, MirrorSubjects.of('display', mirrorId), {
      kind: 'qr',
      sessionId,
      url: 'http://weixin.qq.com/q/abc',
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    const state = await waitFor(async () => {
      const s = (await (await fetch(`${screenUrl}state`)).json()) as {
        qrSvg?: string;
        display?: { sessionId: string };
      };
      return s.qrSvg ? s : undefined;
    }, 30000);
    expect(state.display?.sessionId).toBe(sessionId);
    expect(state.qrSvg).toContain('<svg');

    const taken: PhotoTaken[] = [];
    sut.on('photo', (p: PhotoTaken) => taken.push(p));
    // a gesture alone takes nothing: binding decides, after its countdown
    nats.emit(mirrorGesture, MirrorSubjects.of('gesture', mirrorId), {
      sessionId,
      mirrorId,
      gesture: 'thumbs_up',
      confidence: 0.9,
      at: new Date().toISOString(),
    });
    const photoId = `look-${sessionId}-1`;
    const shootAt = Date.now() + 800;
    for (let i = 0; i < 2; i++) {
      nats.emit(mirrorControl, MirrorSubjects.of('control', mirrorId), {
        kind: 'take-photo',
        sessionId,
        photoId,
        shootAt: new Date(shootAt).toISOString(),
      });
    }
    await waitFor(() => taken.length > 0, 10000);
    expect(Date.now()).toBeGreaterThanOrEqual(shootAt - 20);
    await new Promise((r) => setTimeout(r, 500));
    expect(taken.map((p) => [p.photoId, p.sessionId, p.reason])).toEqual([
      [photoId, sessionId, 'take-photo'],
    ]);
    const photo = await nats.jsm.streams.getMessage(nats.ns.stream('PHOTOS_IN'), {
      last_by_subj: nats.ns.subject(`mirror.${mirrorId}.photo`),
    });
    if (!photo) throw new Error('the photo is not in PHOTOS_IN');
    expect(photo.header.get('Nats-Msg-Id')).toBe(photoId);
    expect(photo.header.get('session-id')).toBe(sessionId);
    expect((await sharp(Buffer.from(photo.data)).metadata()).width).toBe(1280);
  });

  it('shoots two distinct photos of a scene that did not move (photo-store would keep one copy of equal bytes)', async () => {
    sut.start([{ jpeg: await emptyFrame(), label: 'empty' }]);
    const a = await sut.takePhoto('auto');
    const b = await sut.takePhoto('auto');
    const stream = nats.ns.stream('PHOTOS_IN');
    const bytes = async (photoId: string) => {
      const info = await nats.jsm.streams.info(stream);
      for (let seq = info.state.last_seq; seq >= info.state.first_seq; seq--) {
        const m = await nats.jsm.streams.getMessage(stream, { seq }).catch(() => null);
        if (m?.header.get('Nats-Msg-Id') === photoId) return Buffer.from(m.data);
      }
      throw new Error(`photo ${photoId} is not in PHOTOS_IN`);
    };
    const [x, y] = await Promise.all([bytes(a!.photoId), bytes(b!.photoId)]);
    expect(x.equals(y)).toBe(false);
    expect((await sharp(x).metadata()).width).toBe(1280);
  });
});
