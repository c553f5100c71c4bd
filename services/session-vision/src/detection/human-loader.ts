import { dirname, join } from 'path';
import type * as tfc from '@tensorflow/tfjs-core';
import type { Config, Human } from '@vladmandic/human';
import { ModelFileError, registerFileModelLoader } from './model-files';

type HumanModule = { Human: new (config?: Partial<Config>) => Human };

/** The package folders human needs at run time, found through Node's resolver (works from src and dist). */
export function humanPaths(): { humanDist: string; models: string; wasm: string } {
  // The package's exports map hides package.json; its main entry lives in dist/.
  const humanRoot = dirname(dirname(require.resolve('@vladmandic/human')));
  const wasmRoot = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  return {
    humanDist: join(humanRoot, 'dist'),
    models: join(humanRoot, 'models'),
    wasm: join(wasmRoot, 'dist'),
  };
}

/** Settings shared by every detect call: wasm backend, models from disk, no caching or warm-up of its own. */
export function baseConfig(): Partial<Config> {
  const paths = humanPaths();
  return {
    backend: 'wasm',
    wasmPath: `${paths.wasm}/`,
    wasmPlatformFetch: false,
    modelBasePath: `file://${paths.models}/`,
    cacheModels: false,
    validateModels: false,
    warmup: 'none',
    debug: false,
    async: false,
    // Frame skipping is done by this service (frame difference); human's own cache would hide motion.
    cacheSensitivity: 0,
    skipAllowed: false,
    filter: { enabled: false },
    gesture: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
    face: {
      enabled: true,
      mesh: { enabled: false },
      iris: { enabled: false },
      emotion: { enabled: false },
      description: { enabled: false },
    },
    body: { enabled: true },
    hand: { enabled: true },
  } as Partial<Config>;
}

/**
 * Loads human's Node wasm build and every model this service uses. The package's `exports` map does not
 * expose `dist/human.node-wasm.js`, so it is required by path; models load through a file:// router.
 */
export async function loadHuman(): Promise<{ human: Human; tf: typeof tfc }> {
  const paths = humanPaths();
  const module = require(join(paths.humanDist, 'human.node-wasm.js')) as HumanModule;
  const human = new module.Human(baseConfig());
  const tf = human.tf as typeof tfc;
  registerFileModelLoader(tf);
  await human.load();
  for (const name of ['blazeface', 'movenet', 'handtrack', 'handskeleton']) {
    if (!human.models.models[name as keyof typeof human.models.models]) {
      throw new ModelFileError(join(paths.models, `${name}.json`), new Error('the model did not load'));
    }
  }
  return { human, tf };
}

const off = { enabled: false };
const faceConfig = {
  enabled: true,
  detector: { rotation: false, maxDetected: 3, minConfidence: 0.2, return: false },
  mesh: off,
  iris: off,
  emotion: off,
  description: off,
  antispoof: off,
  liveness: off,
  attention: off,
};
const bodyConfig = { enabled: true, maxDetected: 1, minConfidence: 0.1 };

/** One stage of a frame: the face model, the body model, or both; human's own hand pipeline never runs. */
export function stageConfig(face: boolean, body: boolean): Partial<Config> {
  return {
    face: face ? faceConfig : { enabled: false },
    body: body ? bodyConfig : { enabled: false },
    hand: { enabled: false },
  } as Partial<Config>;
}
