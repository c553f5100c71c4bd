// Fails when a deployment file names an image from a repository known to be gone (GONE_REPOSITORIES):
//   node -r ./scripts/register-ts.js tools/deploy-check/src/check-images.ts     (run by scripts/validate-deploy.sh)
import { describeGone, goneImages, repositoryImages } from './images';

const uses = repositoryImages();
const gone = goneImages(uses);
if (gone.length > 0) {
  process.stderr.write(
    `images from repositories that are gone (a fresh host cannot pull them):\n${describeGone(gone)}\n`,
  );
  process.exit(1);
}
const files = new Set(uses.map((u) => u.file));
process.stdout.write(
  `${uses.length} image references in ${files.size} files (compose, k8s, Dockerfile), none from a gone repository\n`,
);
