import { testLogger } from '@mirror/testing';
import type { DetectionPool } from '../../src/detection/detection-pool';
import type { DetectionTask } from '../../src/detection/detection.worker';
import { FrameAnalyser } from '../../src/frames/frame.analyser';
import type { FramesSettings } from '../../src/frames/frames.settings';
import type { VisionMetrics } from '../../src/shared/vision.metrics';

const settings = {
  replicaId: 'r1',
  maxFrameAgeMs: 2000,
  maxWidth: 640,
  maxHeight: 480,
  difference: { pixelDelta: 16, minChangedPixels: 8 },
  reanalyseMs: 1000,
  reanalyseIdleMs: 3000,
  handDetectorIntervalFrames: 5,
  sweepIntervalMs: 1000,
  debugEvents: false,
} satisfies FramesSettings;

/** A pool whose worker finds every frame unchanged whenever it is given the last thumbnail to compare. */
function analyser() {
  const tasks: Omit<DetectionTask, 'jpeg'>[] = [];
  const pool = {
    threads: 1,
    run: async (task: DetectionTask) => {
      tasks.push(task);
      if (task.previousThumb) return { kind: 'duplicate' };
      const analysis = { mode: task.mode, faces: [], hands: [], body: null, timings: { inferenceMs: 1 } };
      return { kind: 'analysed', analysis, thumb: new Uint8Array(4) };
    },
  } as unknown as DetectionPool;
  const metrics = { frame: () => undefined, inference: () => undefined } as unknown as VisionMetrics;
  return { sut: new FrameAnalyser(pool, metrics, settings, testLogger()), tasks };
}

const frame = { data: new Uint8Array([1]), ts: 1, seq: 1, receivedAt: 1 };

describe(FrameAnalyser.name, () => {
  it('re-checks an unchanged empty room every FRAME_REANALYSE_IDLE_MS, a session every FRAME_REANALYSE_MS', async () => {
    const { sut } = analyser();
    const kinds = async (inSession: boolean, mirrorId: string, at: number[]) => {
      const out: string[] = [];
      for (const t of at) out.push((await sut.analyse(mirrorId, frame, inSession, [], t))!.kind);
      return out;
    };
    // unchanged frames every 500 ms for 4 s
    const times = Array.from({ length: 9 }, (_, i) => i * 500);
    const idle = await kinds(false, 'idle', times);
    const session = await kinds(true, 'busy', times);
    expect(idle.filter((k) => k === 'analysed')).toHaveLength(2); // at 0 and 3000 ms
    expect(session.filter((k) => k === 'analysed')).toHaveLength(5); // at 0, 1000, 2000, 3000, 4000 ms
  });
});
