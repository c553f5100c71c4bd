import { readFile } from 'fs/promises';
import { dirname, join } from 'path';
import type * as tfc from '@tensorflow/tfjs-core';

type Tf = typeof tfc;

/** A model file that is missing or unreadable: the package install is broken. */
export class ModelFileError extends Error {
  constructor(file: string, cause: unknown) {
    super(
      `cannot read model file ${file}: ${cause instanceof Error ? cause.message : String(cause)}; ` +
        'reinstall @vladmandic/human (its models/ folder ships the weights)',
    );
    this.name = 'ModelFileError';
  }
}

async function read(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new ModelFileError(file, err);
  }
}

/** Loads a tfjs graph model (model.json plus its .bin shards) from disk. */
export async function loadModelArtifacts(tf: Tf, modelJsonPath: string): Promise<tfc.io.ModelArtifacts> {
  const json = JSON.parse((await read(modelJsonPath)).toString('utf8')) as tfc.io.ModelJSON;
  return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const specs: tfc.io.WeightsManifestEntry[] = [];
    const shards: Buffer[] = [];
    for (const group of manifest) {
      for (const shard of group.paths) shards.push(await read(join(dirname(modelJsonPath), shard)));
      specs.push(...group.weights);
    }
    const all = Buffer.concat(shards);
    return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
  });
}

let registered = false;

/**
 * Teaches tfjs to load `file://` URLs from disk: in Node the wasm build would otherwise try `fetch`,
 * which cannot read files. Registered once per thread.
 */
export function registerFileModelLoader(tf: Tf): void {
  if (registered) return;
  registered = true;
  // A router answers null for URLs it does not handle; tfjs' type says IOHandler only.
  tf.io.registerLoadRouter(((url: string | string[]) => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    const file = decodeURIComponent(url.slice('file://'.length));
    return { load: () => loadModelArtifacts(tf, file) };
  }) as unknown as Parameters<Tf['io']['registerLoadRouter']>[0]);
}
