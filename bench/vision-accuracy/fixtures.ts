import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';

export interface LabelledPhoto {
  file: string;
  path: string;
  label: string;
  /** `full` (face or body visible), `hand` (only a hand or arm), `none`. */
  person: 'full' | 'hand' | 'none';
}

/** Where the labelled photos live: VISION_FIXTURES, else shared/fixtures/vision beside the repository. */
export function fixturesDir(): string {
  return process.env.VISION_FIXTURES ?? resolve(__dirname, '../../../shared/fixtures/vision');
}

/** Reads labels.csv; null when the folder is absent (the bench then says so and stops). */
export function loadLabelledPhotos(dir: string): LabelledPhoto[] | null {
  const csv = join(dir, 'labels.csv');
  if (!existsSync(csv)) return null;
  const [header, ...rows] = readFileSync(csv, 'utf8').trim().split(/\r?\n/);
  const cols = header.split(',');
  const at = (name: string) => cols.indexOf(name);
  return rows
    .map((row) => row.split(','))
    .map((c) => ({
      file: c[at('file')],
      path: join(dir, c[at('file')]),
      label: c[at('label')],
      person: c[at('person')] as LabelledPhoto['person'],
    }))
    .filter((p) => existsSync(p.path));
}
