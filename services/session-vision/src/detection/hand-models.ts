import type * as tfc from '@tensorflow/tfjs-core';
import type { Human } from '@vladmandic/human';
import { type HandRegion, regionTransform } from './geometry';
import type { Box, HandDetectorLabel, HandObservation, Landmark } from './vision.types';

type Tf = typeof tfc;

const SKELETON_SIZE = 224;
const DETECTOR_SIZE = 320;
const DETECTOR_INPUT = 'StatefulPartitionedCall/map/TensorArrayV2Stack/TensorListStack';
const DETECTOR_SHAPE_INPUT = 'StatefulPartitionedCall/map/TensorArrayV2Stack_1/TensorListStack';
const DETECTOR_OUTPUTS = [
  'StatefulPartitionedCall/Postprocessor/Slice',
  'StatefulPartitionedCall/Postprocessor/ExpandDims_1',
];
const DETECTOR_FACE_CLASS = 4;
// Class order after the face class is removed.
const DETECTOR_CLASSES: HandDetectorLabel[] = ['hand', 'fist', 'pinch', 'point', 'tip', 'pinchtip'];

/** A box the whole-frame hand detector found, with its class and score. */
export interface HandDetection {
  box: Box;
  labelOnly: Pick<HandObservation, 'label' | 'detectorScore'>;
}

/**
 * human's two hand models driven directly, without human's own hand pipeline: the SSD hand detector over the
 * whole frame, and the landmark model on a region turned so the hand points up.
 */
export class HandModels {
  constructor(
    private readonly human: Human,
    private readonly tf: Tf,
  ) {}

  /** Runs the hand detector (SSD, fixed 320x320 input) over the whole frame; boxes in frame pixels. */
  async detect(image: tfc.Tensor4D, minDetectorScore: number): Promise<HandDetection[]> {
    const { tf } = this;
    const [height, width] = [image.shape[1], image.shape[2]];
    const model = this.human.models.models.handtrack as unknown as {
      execute(inputs: Record<string, tfc.Tensor>, outputs: string[]): tfc.Tensor[];
    };
    const t = tf.tidy(() => {
      // Feeding the graph past its own preprocessing loop (a TensorList while-loop that only resizes and
      // scales to [-1, 1]) gives identical outputs without the control-flow executor.
      const input = tf.sub(
        tf.mul(tf.image.resizeBilinear(image, [DETECTOR_SIZE, DETECTOR_SIZE]), 2 / 255),
        1,
      );
      const shape = tf.tensor2d([[DETECTOR_SIZE, DETECTOR_SIZE, 3]], [1, 3], 'int32');
      const [rawScores, rawBoxes] = model.execute(
        { [DETECTOR_INPUT]: input, [DETECTOR_SHAPE_INPUT]: shape },
        DETECTOR_OUTPUTS,
      );
      const classScores = tf.unstack(tf.squeeze(rawScores, [0]), 1);
      classScores.splice(DETECTOR_FACE_CLASS, 1);
      const scores = tf.stack(classScores, 1);
      return {
        boxes: tf.squeeze(rawBoxes, [0, 2]) as tfc.Tensor2D,
        max: tf.max(scores, 1) as tfc.Tensor1D,
        argmax: tf.argMax(scores, 1),
      };
    });
    try {
      return await this.keepBest(t, width, height, minDetectorScore);
    } finally {
      tf.dispose(t);
    }
  }

  /** Non-maximum suppression over the detector's raw boxes; the kept ones in frame pixels, with their class. */
  private async keepBest(
    t: { boxes: tfc.Tensor2D; max: tfc.Tensor1D; argmax: tfc.Tensor },
    width: number,
    height: number,
    minDetectorScore: number,
  ): Promise<HandDetection[]> {
    const keep = await this.tf.image.nonMaxSuppressionAsync(t.boxes, t.max, 4, 0.3, minDetectorScore);
    const [indices, boxes, max, argmax] = await Promise.all([
      keep.data(),
      t.boxes.data(),
      t.max.data(),
      t.argmax.data(),
    ]);
    this.tf.dispose(keep);
    return Array.from(indices).map((i) => {
      const [y0, x0, y1, x1] = [boxes[i * 4], boxes[i * 4 + 1], boxes[i * 4 + 2], boxes[i * 4 + 3]];
      return {
        box: { x: x0 * width, y: y0 * height, width: (x1 - x0) * width, height: (y1 - y0) * height },
        labelOnly: { label: DETECTOR_CLASSES[argmax[i]], detectorScore: max[i] },
      };
    });
  }

  /** The 21 landmarks of the hand in a region (frame pixels), and how sure the model is there is one. */
  async landmarks(
    image: tfc.Tensor4D,
    region: HandRegion,
  ): Promise<{ score: number; landmarks: Landmark[] }> {
    const { tf } = this;
    const model = this.human.models.models.handskeleton as unknown as {
      execute(input: tfc.Tensor, outputs: string[]): tfc.Tensor[];
    };
    const { matrix, toFrame } = regionTransform(region, SKELETON_SIZE);
    const [scoreT, pointsT] = tf.tidy(() => {
      const crop = tf.image.transform(image, tf.tensor2d([matrix], [1, 8]), 'bilinear', 'constant', 0, [
        SKELETON_SIZE,
        SKELETON_SIZE,
      ]);
      return model.execute(tf.div(crop, 255), ['Identity_1', 'Identity']);
    });
    try {
      const raw = (await scoreT.data())[0];
      const points = await pointsT.data();
      const landmarks: Landmark[] = [];
      for (let i = 0; i < 21; i++) {
        const [x, y] = toFrame(points[i * 3], points[i * 3 + 1]);
        landmarks.push([x, y, points[i * 3 + 2]]);
      }
      return { score: 1 / (1 + Math.exp(-raw)), landmarks };
    } finally {
      tf.dispose([scoreT, pointsT]);
    }
  }
}
