import { readFileSync } from 'node:fs';
import { loadCompose } from '../src/compose';
import { generatedConfigMaps, generatorFile, loadKustomization } from '../src/kustomization';
import { findObject, loadK8sObjects } from '../src/manifests';
import { repoPath } from '../src/repo';

// deploy/nats/nats.conf is the one NATS configuration: the local script, compose and k8s all run it.
const PROJECT_CONFIG = 'deploy/nats/nats.conf';
const objects = loadK8sObjects().map((d) => d.object);
const statefulSet = findObject(objects, 'StatefulSet', 'nats');
const [container] = statefulSet.spec.template.spec.containers;
const args: string[] = [...(container.command ?? []), ...(container.args ?? [])];
const argAfter = (flag: string) => args[args.indexOf(flag) + 1];

describe('NATS configuration', () => {
  it('generates the k8s ConfigMap nats-config from a byte-identical copy of the project config', () => {
    const generator = loadKustomization().configMapGenerator?.find((g) => g.name === 'nats-config');
    const files = new Map((generator?.files ?? []).map((f) => generatorFile(f)));
    expect([...files.keys()].sort()).toEqual(['nats-auth.conf', 'nats-k8s.conf', 'nats.conf']);
    const configMap = generatedConfigMaps().find((c) => c.metadata.name === 'nats-config');
    // when this fails: cp deploy/nats/nats.conf deploy/nats/nats-auth.conf k8s/nats/
    for (const [key, project] of [
      ['nats.conf', PROJECT_CONFIG],
      ['nats-auth.conf', 'deploy/nats/nats-auth.conf'],
    ]) {
      expect(readFileSync(repoPath(files.get(key)!)).equals(readFileSync(repoPath(project)))).toBe(true);
      expect(configMap?.data?.[key]).toBe(readFileSync(repoPath(project), 'utf8'));
    }
    expect(configMap?.data?.['nats-k8s.conf']).toMatch(/^include \.\/nats-auth\.conf$/m);
  });

  it('runs every k8s NATS server locked: that ConfigMap beside the auth.conf of the Secret nats-auth', () => {
    const pod = statefulSet.spec.template.spec;
    type Source = { configMap?: { name: string }; secret?: { name: string; items?: { path: string }[] } };
    const volume = pod.volumes.find((v: { projected?: { sources: Source[] } }) =>
      v.projected?.sources.some((s) => s.configMap?.name === 'nats-config'),
    );
    const sources: Source[] = volume.projected.sources;
    expect(sources.find((s) => s.secret?.name === 'nats-auth')?.secret?.items?.map((i) => i.path)).toEqual([
      'auth.conf',
    ]);
    const mount = container.volumeMounts.find((m: { name: string }) => m.name === volume?.name);
    expect(mount?.mountPath).toBe('/etc/nats');
    expect(argAfter('-c')).toBe('/etc/nats/nats-k8s.conf');
  });

  it('clusters three JetStream servers in k8s, each with its own volume for the store directory', () => {
    expect(statefulSet.spec.replicas).toBe(3);
    const routes = argAfter('--routes').split(',');
    expect(routes).toHaveLength(3);
    const [claim] = statefulSet.spec.volumeClaimTemplates;
    const dataMount = container.volumeMounts.find((m: { name: string }) => m.name === claim.metadata.name);
    expect(argAfter('-sd')).toBe(dataMount.mountPath);
    expect(argAfter('--name')).toBe('$(POD_NAME)');
    expect(findObject(objects, 'Service', 'nats-headless').spec.clusterIP).toBe('None');
    expect(statefulSet.spec.serviceName).toBe('nats-headless');
  });

  it('mounts the project config itself (not a copy) into the compose NATS server, locked', () => {
    const nats = loadCompose().services.nats;
    const command = nats.command as string[];
    const mounts = (nats.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
    expect(mounts).toContain(`./${PROJECT_CONFIG}:/etc/nats/nats.conf:ro`);
    expect(mounts).toContain('./deploy/nats/nats-auth.conf:/etc/nats/nats-auth.conf:ro');
    expect(mounts.some((m) => m.endsWith('/auth.conf:/etc/nats/auth.conf:ro'))).toBe(true);
    expect(command[command.indexOf('-c') + 1]).toBe('/etc/nats/nats-auth.conf');
    expect(command[command.indexOf('-sd') + 1]).toBe('/data');
  });

  it('gives the services the NATS client address in both deployments', () => {
    expect(findObject(objects, 'ConfigMap', 'mirror-common').data?.NATS_URL).toBe('nats://nats:4222');
    expect(loadCompose().services['binding'].environment).toEqual(
      expect.objectContaining({ NATS_URL: 'nats://nats:4222' }),
    );
  });
});
