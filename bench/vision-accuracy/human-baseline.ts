import type { Config, Human } from '@vladmandic/human';
import { baseConfig, loadHuman } from '@mirror/svc-session-vision/src/detection/human-loader';
import { decodeFrame } from '@mirror/svc-session-vision/src/detection/frame-decoder';
import type { StaticGesture } from '@mirror/svc-session-vision/src/gestures/static-gesture.classifier';
import { photoAsFrame, type Variant } from './analyse-photos';
import type { LabelledPhoto } from './fixtures';

/** human's own finger-gesture names mapped to mirror commands (it has no fist). */
const HUMAN_TO_COMMAND: Record<string, StaticGesture> = {
  'thumbs up': 'thumbs_up',
  victory: 'victory',
  point: 'pointing_up',
  'open palm': 'open_palm',
};

/** Baseline: human's stock hand pipeline and gesture module, default thresholds. */
export async function humanBaseline(
  photos: LabelledPhoto[],
  variant: Variant,
): Promise<Record<string, StaticGesture | null>> {
  const { human }: { human: Human } = await loadHuman();
  const config = {
    ...baseConfig(),
    face: { enabled: false },
    body: { enabled: true },
    hand: { enabled: true },
    gesture: { enabled: true },
  } as Partial<Config>;
  const out: Record<string, StaticGesture | null> = {};
  for (const photo of photos) {
    const frame = await decodeFrame(await photoAsFrame(photo, variant), {
      ...variant,
      thumbWidth: 8,
      thumbHeight: 6,
    });
    const tensor = human.tf.tensor4d(Int32Array.from(frame.rgb), [1, frame.height, frame.width, 3], 'int32');
    const result = await human.detect(tensor, config);
    human.tf.dispose(tensor);
    const fired = result.gesture.map((g) => HUMAN_TO_COMMAND[g.gesture]).find(Boolean);
    out[photo.file] = fired ?? null;
  }
  return out;
}
