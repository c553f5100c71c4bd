import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { generatedConfigMaps, loadKustomization } from '../src/kustomization';
import {
  findObject,
  k8sManifestFiles,
  loadK8sObjects,
  selects,
  validateK8sObject,
  type K8sObject,
} from '../src/manifests';
import { repoRoot, serviceNames } from '../src/repo';

const docs = loadK8sObjects();
const objects = docs.map((d) => d.object);
const kustomization = loadKustomization();
const SECRET_EXAMPLE = 'k8s/config/secret.example.yaml';
const workloads = objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind));
const podLabels = (o: K8sObject): Record<string, string> => o.spec?.template?.metadata?.labels ?? {};

describe('k8s manifests', () => {
  it.each(docs.map((d) => [`${d.file}#${d.index} ${d.object.kind}/${d.object.metadata?.name}`, d.object]))(
    'validates %s against the Kubernetes schema',
    (_label, object) => {
      expect(object.metadata?.name).toEqual(expect.any(String));
      validateK8sObject(object as K8sObject);
    },
  );

  it('rejects an object that breaks the schema (the validation can fail)', () => {
    const deployment = structuredClone(findObject(objects, 'Deployment', 'binding'));
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => validateK8sObject(deployment)).toThrow(/containerPort/);
  });

  it('lists every manifest in kustomization.yaml, except the Secret example', () => {
    const listed = (kustomization.resources ?? []).map((r) => `k8s/${r}`).sort();
    expect(listed).toEqual(k8sManifestFiles().filter((f) => f !== SECRET_EXAMPLE));
  });

  it('keeps every object in the one namespace that kustomization.yaml sets', () => {
    expect(kustomization.namespace).toBe(
      findObject(objects, 'Namespace', kustomization.namespace ?? '').metadata.name,
    );
    expect(objects.filter((o) => o.metadata.namespace !== undefined)).toEqual([]);
  });

  it('has a Deployment, a Service and a PodDisruptionBudget for every service under services/', () => {
    for (const name of serviceNames()) {
      const deployment = findObject(objects, 'Deployment', name);
      const labels = podLabels(deployment);
      expect(selects(deployment.spec.selector.matchLabels, labels)).toBe(true);
      expect(selects(findObject(objects, 'Service', name).spec.selector, labels)).toBe(true);
      expect(
        selects(findObject(objects, 'PodDisruptionBudget', name).spec.selector.matchLabels, labels),
      ).toBe(true);
      const [container] = deployment.spec.template.spec.containers;
      expect(container.command).toEqual(['node', `services/${name}/dist/main.js`]);
    }
  });

  it('probes readiness on /readyz and liveness on /healthz of the http port', () => {
    for (const name of serviceNames()) {
      const [c] = findObject(objects, 'Deployment', name).spec.template.spec.containers;
      expect([name, c.readinessProbe.httpGet]).toEqual([name, { path: '/readyz', port: 'http' }]);
      expect([name, c.livenessProbe.httpGet]).toEqual([name, { path: '/healthz', port: 'http' }]);
      expect(c.ports.map((p: { name: string }) => p.name)).toContain('http');
    }
  });

  it('runs every container non-root, without privilege escalation, with requests and limits', () => {
    for (const w of workloads) {
      const pod = w.spec.template.spec;
      expect([w.metadata.name, pod.securityContext.runAsNonRoot]).toEqual([w.metadata.name, true]);
      for (const c of pod.containers) {
        const where = `${w.kind}/${w.metadata.name} ${c.name}`;
        expect([where, c.securityContext]).toEqual([
          where,
          expect.objectContaining({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }),
        ]);
        expect([where, c.securityContext.readOnlyRootFilesystem]).toEqual([where, true]);
        expect([
          where,
          c.resources.requests?.cpu,
          c.resources.requests?.memory,
          c.resources.limits?.memory,
        ]).toEqual([where, expect.anything(), expect.anything(), expect.anything()]);
      }
    }
  });

  it('runs several replicas of gateway, qr-issuer, binding and photo-store, and autoscales gateway and session-vision', () => {
    const hpaMin = (name: string) =>
      objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === name)?.spec
        .minReplicas;
    const replicas = (name: string) =>
      hpaMin(name) ?? findObject(objects, 'Deployment', name).spec.replicas ?? 1;
    for (const name of ['wechat-gateway', 'qr-issuer', 'binding', 'photo-store', 'session-vision']) {
      expect([name, replicas(name)]).toEqual([name, expect.any(Number)]);
      expect(replicas(name)).toBeGreaterThanOrEqual(2);
    }
    for (const name of ['wechat-gateway', 'session-vision']) {
      const hpa = findObject(objects, 'HorizontalPodAutoscaler', name);
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
      // an HPA-managed Deployment leaves replicas to the HPA, or every apply would reset them
      expect(findObject(objects, 'Deployment', name).spec.replicas).toBeUndefined();
    }
  });

  it('routes the public paths of the Ingress to the gateway Service port only', () => {
    const ingress = findObject(objects, 'Ingress', 'wechat-gateway');
    const service = findObject(objects, 'Service', 'wechat-gateway');
    const paths = ingress.spec.rules.flatMap((r: { http: { paths: unknown[] } }) => r.http.paths);
    expect(paths.map((p: { path: string }) => p.path).sort()).toEqual(['/me', '/oauth', '/wechat']);
    for (const p of paths) {
      expect(p.backend.service.name).toBe('wechat-gateway');
      expect(service.spec.ports.map((sp: { name: string }) => sp.name)).toContain(
        p.backend.service.port.name,
      );
    }
  });

  it('runs the binding migration as a Job with the binding image', () => {
    const job = findObject(objects, 'Job', 'binding-migrate');
    const [c] = job.spec.template.spec.containers;
    expect(c.command).toEqual(['node', 'services/binding/dist/migrate.js']);
    expect(c.image).toBe(findObject(objects, 'Deployment', 'binding').spec.template.spec.containers[0].image);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
  });

  it('reaches Postgres, Redis and MinIO through Services of their own', () => {
    for (const name of ['postgres', 'redis', 'minio']) {
      const service = findObject(objects, 'Service', name);
      expect([name, service.spec.type, service.spec.externalName]).toEqual([
        name,
        'ExternalName',
        expect.any(String),
      ]);
    }
  });

  it('marks every value of the Secret examples as a placeholder', () => {
    for (const name of ['mirror-secrets', 'nats-auth']) {
      const secret = findObject(objects, 'Secret', name);
      const values = Object.entries(secret.stringData ?? {});
      expect(values.length).toBeGreaterThan(0);
      for (const [key, value] of values)
        expect([key, value]).toEqual([key, expect.stringMatching(/CHANGE_?ME/)]);
    }
  });

  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
  (kubectl ? it : it.skip)(
    'builds with kustomize into valid objects, generated ConfigMaps and image included',
    () => {
      const built = spawnSync('kubectl', ['kustomize', 'k8s'], { cwd: repoRoot, encoding: 'utf8' });
      expect(built.stderr).toBe('');
      const out = parseAllDocuments(built.stdout).map((d) => d.toJS() as K8sObject);
      for (const o of out) validateK8sObject(o);
      // the Secret examples are not part of the kustomization
      const examples = docs.filter((d) => d.file.endsWith('secret.example.yaml')).length;
      expect(out.length).toBe(objects.length - examples + generatedConfigMaps(kustomization).length);
      const image = `${kustomization.images?.[0].newName}:${kustomization.images?.[0].newTag}`;
      const deployments = out.filter((o) => o.kind === 'Deployment');
      expect(deployments.map((d) => d.spec.template.spec.containers[0].image)).toEqual(
        deployments.map(() => image),
      );
    },
    30000,
  );
});
