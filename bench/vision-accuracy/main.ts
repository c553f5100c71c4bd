/**
 * Accuracy of presence and gesture recognition on the shared labelled photos.
 * Run: node -r ./services/session-vision/src/detection/swc-register.js bench/vision-accuracy/main.ts
 * Env: VISION_FIXTURES (folder with labels.csv), VISION_ACCURACY_BASELINE=0 to skip human's own gestures.
 */
import { VisionEngine } from '@mirror/svc-session-vision/src/detection/vision-engine';
import { analysePhotos, type Variant } from './analyse-photos';
import { fixturesDir, loadLabelledPhotos } from './fixtures';
import { humanBaseline } from './human-baseline';
import { type Score, scorePhotos } from './score';

const VARIANTS: Variant[] = [
  { name: 'as shot, 640x480', maxWidth: 640, maxHeight: 480, mirrored: false },
  { name: 'mirrored, 640x480', maxWidth: 640, maxHeight: 480, mirrored: true },
  { name: 'as shot, 480x360', maxWidth: 480, maxHeight: 360, mirrored: false },
];

const pct = (n: number, d: number) => (d === 0 ? '  n/a' : `${((100 * n) / d).toFixed(1).padStart(5)} %`);

function report(name: string, score: Score): void {
  const { presenceIdle: pi, presenceSession: ps, falseCommands: fc } = score;
  console.log(`\n== ${name}`);
  console.log(
    `presence, idle models (face+body), photos with a person or nobody: ${pi.correct}/${pi.total} = ${pct(pi.correct, pi.total)}`,
  );
  console.log(
    `presence, session models (body+hands), all photos:                 ${ps.correct}/${ps.total} = ${pct(ps.correct, ps.total)}`,
  );
  console.log('gesture        recall             precision');
  for (const [g, t] of Object.entries(score.perGesture)) {
    console.log(
      `${g.padEnd(14)} ${`${t.tp}/${t.tp + t.fn}`.padEnd(6)} ${pct(t.tp, t.tp + t.fn)}   ${`${t.tp}/${t.tp + t.fp}`.padEnd(6)} ${pct(t.tp, t.tp + t.fp)}`,
    );
  }
  console.log(
    `false commands on person/call/rock/empty: ${fc.core[0]}/${fc.core[1]} = ${pct(fc.core[0], fc.core[1])}`,
  );
  console.log(
    `false commands on every non-command photo (adds thumb_down, ok, iloveyou): ${fc.all[0]}/${fc.all[1]} = ${pct(fc.all[0], fc.all[1])}`,
  );
  const misses = score.outcomes.filter((o) => o.fired !== o.expected);
  if (misses.length) {
    console.log(
      'wrong: ' +
        misses
          .map((o) => `${o.photo.file} (want ${o.expected ?? 'none'}, got ${o.fired ?? 'none'})`)
          .join(', '),
    );
  }
  const absent = score.outcomes.filter(
    (o) => o.photo.person !== 'hand' && o.presentIdle !== (o.photo.person === 'full'),
  );
  if (absent.length) console.log('presence wrong (idle): ' + absent.map((o) => o.photo.file).join(', '));
  const wrongSession = score.outcomes.filter((o) => o.presentSession !== (o.photo.person !== 'none'));
  if (wrongSession.length)
    console.log('presence wrong (session): ' + wrongSession.map((o) => o.photo.file).join(', '));
}

async function main(): Promise<void> {
  const dir = fixturesDir();
  const photos = loadLabelledPhotos(dir);
  if (!photos || photos.length === 0) {
    console.log(`vision-accuracy: NO FIXTURES at ${dir} (labels.csv and photos not found).`);
    console.log('Set VISION_FIXTURES to the folder of labelled photos; nothing was measured.');
    return;
  }
  console.log(`vision-accuracy: ${photos.length} labelled photos from ${dir}`);
  const engine = await VisionEngine.create();
  for (const variant of VARIANTS) {
    const t0 = performance.now();
    const analyses = await analysePhotos(photos, engine, variant);
    const ms = (performance.now() - t0) / photos.length;
    report(
      `${variant.name} (${ms.toFixed(0)} ms a photo: both modes, detector always on, 2 landmark passes)`,
      scorePhotos(photos, analyses),
    );
    if (variant === VARIANTS[0] && process.env.VISION_ACCURACY_BASELINE !== '0') {
      const baseline = await humanBaseline(photos, variant);
      report(
        `baseline: human's own hand pipeline + gesture module, ${variant.name}`,
        scorePhotos(photos, analyses, (_a, p) => baseline[p.file]),
      );
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
