// Writes k8s/monitoring/*.yaml (ConfigMaps) from deploy/monitoring; tools/monitoring-check's tests fail
// while they differ.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { K8S_MONITORING, renderConfigMap } from './k8s';
import { repoRoot } from './repo';

for (const spec of K8S_MONITORING) {
  writeFileSync(join(repoRoot, spec.file), renderConfigMap(spec));
  console.log(`wrote ${spec.file}`);
}
