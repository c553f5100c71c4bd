import { testLogger } from '@mirror/testing';
import type { DetectionPool } from '../../src/detection/detection-pool';
import { FrameScheduler } from '../../src/frames/frame.scheduler';
import type { FramesSettings } from '../../src/frames/frames.settings';
import type { IncomingFrame } from '../../src/frames/incoming-frame';
import type { MirrorPipeline } from '../../src/frames/mirror.pipeline';
import type { SessionService } from '../../src/sessions/session.service';
import type { FrameOutcome, VisionMetrics } from '../../src/shared/vision.metrics';

const frame = (seq: number): IncomingFrame => ({ data: new Uint8Array([seq]), ts: 1, seq, receivedAt: 1 });
const tick = () => new Promise((r) => setImmediate(r));

/** A pipeline whose frames finish only when the test says so. */
function pipeline(owner = true) {
  const processed: number[] = [];
  const finish: (() => void)[] = [];
  const fake = {
    ensureOwner: async () => owner,
    forget: jest.fn(),
    letGo: jest.fn(async () => undefined),
    expireIfDue: jest.fn(async () => false),
    process: (_mirrorId: string, f: IncomingFrame) => {
      processed.push(f.seq);
      return new Promise<void>((resolve) => finish.push(resolve));
    },
  };
  return {
    fake: fake as unknown as MirrorPipeline,
    processed,
    finish,
    expireIfDue: fake.expireIfDue,
    letGo: fake.letGo,
    forget: fake.forget,
  };
}

function scheduler(p: MirrorPipeline, sweepList: string[] = []) {
  const outcomes: FrameOutcome[] = [];
  const metrics = { frame: (o: FrameOutcome) => outcomes.push(o) } as unknown as VisionMetrics;
  const sessions = { mirrorsToSweep: async () => sweepList } as unknown as SessionService;
  const sut = new FrameScheduler(
    { threads: 1 } as DetectionPool,
    p,
    sessions,
    metrics,
    { replicaId: 'r1' } as FramesSettings,
    testLogger(),
  );
  return { sut, outcomes };
}

describe(FrameScheduler.name, () => {
  it('keeps only the newest waiting frame of a mirror: older ones are dropped (latest wins)', async () => {
    const p = pipeline();
    const { sut, outcomes } = scheduler(p.fake);
    sut.acceptFrame('m1', frame(1));
    await tick();
    sut.acceptFrame('m1', frame(2));
    sut.acceptFrame('m1', frame(3));
    expect(outcomes).toEqual(['dropped']);
    p.finish.shift()!();
    await tick();
    expect(p.processed).toEqual([1, 3]);
  });

  it('sends a frame to a worker only once one is free, whichever mirror it comes from', async () => {
    const p = pipeline();
    const { sut } = scheduler(p.fake);
    sut.acceptFrame('m1', frame(1));
    await tick();
    sut.acceptFrame('m2', frame(10));
    sut.acceptFrame('m2', frame(11));
    await tick();
    expect(p.processed).toEqual([1]);
    p.finish.shift()!();
    await tick();
    expect(p.processed).toEqual([1, 11]);
  });

  it('counts and skips the frames of a mirror another replica owns', async () => {
    const p = pipeline(false);
    const { sut, outcomes } = scheduler(p.fake);
    sut.acceptFrame('m1', frame(1));
    await tick();
    expect(p.processed).toEqual([]);
    expect(outcomes).toEqual(['not-owner']);
  });

  it('checks the listed mirrors of its own partitions for timeouts, and only those', async () => {
    const p = pipeline();
    const { sut } = scheduler(p.fake, ['m1', 'm2', 'm3']);
    await sut.sweep((mirrorId) => mirrorId !== 'm2');
    expect(p.expireIfDue.mock.calls).toEqual([['m1'], ['m3']]);
  });

  it('hands mirrors over: drops their waiting frame, waits for the one in hand, then lets them go', async () => {
    const p = pipeline();
    const { sut, outcomes } = scheduler(p.fake);
    sut.acceptFrame('m1', frame(1));
    await tick();
    sut.acceptFrame('m1', frame(2)); // waits behind frame 1
    sut.acceptFrame('m2', frame(3)); // waits for the one worker
    let done = false;
    const handing = sut.handOver((id) => id === 'm1', true).then(() => (done = true));
    await tick();
    expect(done).toBe(false); // frame 1 is still in hand
    expect(outcomes).toEqual(['not-mine']);
    p.finish.shift()!();
    await handing;
    expect(p.letGo.mock.calls).toEqual([['m1']]);
    await tick();
    expect(p.processed).toEqual([1, 3]); // frame 2 never ran; m2 is untouched
  });

  it('only forgets the mirrors of a partition it lost (their lease may be another replica’s)', async () => {
    const p = pipeline();
    const { sut } = scheduler(p.fake);
    sut.acceptFrame('m1', frame(1));
    await tick();
    p.finish.shift()!();
    await sut.handOver(() => true, false);
    expect(p.forget.mock.calls).toEqual([['m1']]);
    expect(p.letGo).not.toHaveBeenCalled();
  });
});
