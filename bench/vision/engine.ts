import type { Config } from '@vladmandic/human';
import { DetectionPool } from '@mirror/svc-session-vision/src/detection/detection-pool';
import type { DetectionTask } from '@mirror/svc-session-vision/src/detection/detection.worker';
import { decodeFrame } from '@mirror/svc-session-vision/src/detection/frame-decoder';
import { type HandRegion, regionAroundLandmarks } from '@mirror/svc-session-vision/src/detection/geometry';
import { baseConfig, loadHuman } from '@mirror/svc-session-vision/src/detection/human-loader';
import type { AnalysisMode, BodyObservation } from '@mirror/svc-session-vision/src/detection/vision.types';

export interface EngineFigures {
  name: string;
  fps: number;
  msPerFrame: number;
}

const noSkip = { pixelDelta: 16, minChangedPixels: 0 };
const skip = { pixelDelta: 16, minChangedPixels: 8 };

function task(jpeg: Uint8Array, mode: AnalysisMode, previousThumb: Uint8Array | null): DetectionTask {
  return {
    jpeg,
    mode,
    handHints: [],
    handDetector: 'never',
    landmarkPasses: 1,
    previousThumb,
    difference: previousThumb ? skip : noSkip,
    maxWidth: 640,
    maxHeight: 480,
  };
}

/**
 * Frames through the worker pool for `seconds`, one lane per worker, each lane a mirror handled the way
 * VisionService does it in session: hands tracked from the last frame, the body reused every other frame
 * while hands are tracked, wrists searched every third frame. Frames/s for the whole pool.
 */
async function throughput(
  pool: DetectionPool,
  frames: Uint8Array[],
  mode: AnalysisMode,
  seconds: number,
  options: { reuse: boolean },
): Promise<number> {
  const first = await pool.run(task(frames[0], mode, null));
  const thumb = first.kind === 'analysed' ? first.thumb : null;
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const lane = async (lane: number) => {
    let hints: HandRegion[] = [];
    let body: BodyObservation | null = null;
    for (let i = lane; performance.now() < end; i++) {
      const tracked = mode === 'session' && hints.length > 0;
      const result = await pool.run({
        ...task(frames[i % frames.length], mode, options.reuse ? thumb : null),
        handHints: hints,
        reuseBody: tracked && i % 2 === 1 ? body : null,
        searchWrists: !tracked || i % 3 === 0,
      });
      if (result.kind === 'analysed') {
        hints = result.analysis.hands.map((h) => regionAroundLandmarks(h.landmarks, 1.8));
        body = result.analysis.body;
      }
      done++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: pool.threads }, (_, i) => lane(i)));
  return done / ((performance.now() - t0) / 1000);
}

/** Frames/s of human's stock pipeline (face+body+hand, one thread): the baseline the issue measured. */
async function humanStock(frames: Uint8Array[], seconds: number): Promise<number> {
  const { human, tf } = await loadHuman();
  const config = {
    ...baseConfig(),
    face: {
      enabled: true,
      mesh: { enabled: false },
      iris: { enabled: false },
      emotion: { enabled: false },
      description: { enabled: false },
    },
    body: { enabled: true },
    hand: { enabled: true, skipFrames: 0, skipTime: 0 },
  } as Partial<Config>;
  const decoded = await Promise.all(
    frames.map((f) => decodeFrame(f, { maxWidth: 640, maxHeight: 480, thumbWidth: 8, thumbHeight: 6 })),
  );
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const t0 = performance.now();
  while (performance.now() < end) {
    const f = decoded[done % decoded.length];
    const t = tf.tensor4d(Int32Array.from(f.rgb), [1, f.height, f.width, 3], 'int32');
    await human.detect(t as never, config);
    tf.dispose(t);
    done++;
  }
  return done / ((performance.now() - t0) / 1000);
}

/** Engine throughput at 640x480: idle and in session, with and without the frame-difference skip. */
export async function engineFigures(
  threads: number,
  empty: Uint8Array[],
  person: Uint8Array[],
  seconds: number,
): Promise<EngineFigures[]> {
  const out: EngineFigures[] = [];
  const add = (name: string, fps: number) => out.push({ name, fps, msPerFrame: 1000 / fps });
  add('baseline: human stock face+body+hand, 1 thread', await humanStock(person, seconds));
  const pool = new DetectionPool({ threads });
  try {
    await pool.warmUp();
    add(
      `idle, nobody there, every frame analysed, ${threads} workers`,
      await throughput(pool, empty, 'presence', seconds, { reuse: false }),
    );
    add(
      `idle, person there, every frame analysed, ${threads} workers`,
      await throughput(pool, person, 'presence', seconds, { reuse: false }),
    );
    add(
      `session, hands tracked, every frame analysed, ${threads} workers`,
      await throughput(pool, person, 'session', seconds, { reuse: false }),
    );
    add(
      `session, unchanged scene (frame-difference skip), ${threads} workers`,
      await throughput(pool, person.slice(0, 1), 'session', seconds, { reuse: true }),
    );
  } finally {
    await pool.close();
  }
  return out;
}
