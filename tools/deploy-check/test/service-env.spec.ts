import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, databaseShape, env, loadConfig } from '@mirror/config';
import { loadCompose, resolvedEnvironment, type ComposeService } from '../src/compose';
import { resolveContainerEnv, type Container } from '../src/k8s-env';
import { generatedConfigMaps, parseEnvFile } from '../src/kustomization';
import { findObject, loadK8sObjects, type K8sObject } from '../src/manifests';
import { readRepoFile, serviceNames } from '../src/repo';
import { knownVariables, requiredVariables, serviceConfigShape } from '../src/service-config';

// Each service's own config.ts decides what is required: a deployment passes when the environment it gives
// the process is one that config accepts (present, and valid with the example values).
const services = serviceNames();
const objects = loadK8sObjects().map((d) => d.object);
const byName = (kind: string) =>
  new Map<string, K8sObject>(
    [...objects, ...(kind === 'ConfigMap' ? generatedConfigMaps() : [])]
      .filter((o) => o.kind === kind)
      .map((o) => [o.metadata.name, o]),
  );
const configMaps = byName('ConfigMap');
const secrets = byName('Secret');
const compose = loadCompose();
const exampleVars = parseEnvFile(readRepoFile('deploy/compose.env.example'));

/** The workload that runs a service with its config.ts: its Deployment. */
const k8sContainers = (service: string): [string, Container][] => [
  [`Deployment/${service}`, findObject(objects, 'Deployment', service).spec.template.spec.containers[0]],
];
const composeServices = (service: string) => [service];
/** What services/binding/src/migrate.ts validates: the database settings and the log level, nothing else. */
const MIGRATION_SHAPE = { ...databaseShape, LOG_LEVEL: env.logLevel() };

/** A stand-in for the credential a Docker secret or k8s Secret volume mounts at NATS_CREDS (the format is checked). */
const STAND_IN_CREDS = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-check-'));
  const path = join(dir, 'nats.creds');
  writeFileSync(
    path,
    '-----BEGIN NATS USER JWT-----\nstand.in.jwt\n------END NATS USER JWT------\n\n' +
      '-----BEGIN USER NKEY SEED-----\nSUSTANDIN\n------END USER NKEY SEED------\n',
  );
  return path;
})();

/** The compose secret mounted at `path` for `service`, if any. */
const composeSecretAt = (definition: ComposeService, path: string): string | undefined => {
  for (const entry of definition.secrets ?? []) {
    const source = typeof entry === 'string' ? entry : entry.source;
    const target = typeof entry === 'string' ? entry : (entry.target ?? entry.source);
    if (path === `/run/secrets/${target}`) return source;
  }
  return undefined;
};

/** `<secret>/<key>` of the Secret volume item a service's Deployment mounts at `path`, if any. */
const k8sSecretFileAt = (service: string, path: string): string | undefined => {
  const pod = findObject(objects, 'Deployment', service).spec.template.spec;
  const [container] = pod.containers;
  for (const mount of container.volumeMounts ?? []) {
    const volume = (pod.volumes ?? []).find((v: { name: string }) => v.name === mount.name);
    for (const item of volume?.secret?.items ?? []) {
      if (`${mount.mountPath}/${item.path}` === path) return `${volume.secret.secretName}/${item.key}`;
    }
  }
  return undefined;
};

const expectAccepted = (
  service: string,
  where: string,
  environment: Record<string, string>,
  shape = serviceConfigShape(service),
) => {
  try {
    loadConfig(service, shape, environment);
  } catch (e) {
    if (e instanceof ConfigError)
      throw new Error(`${where} does not give ${service} a valid environment:\n${e.message}`);
    throw e;
  }
};

describe('service environment in deployments', () => {
  it.each(services)('%s declares its required variables in config.ts', (service) => {
    const required = requiredVariables(serviceConfigShape(service));
    expect(required).toContain('NATS_URL');
  });

  it('notices a missing required variable (the check can fail)', () => {
    const [, container] = k8sContainers('binding')[0];
    const { env } = resolveContainerEnv(container, configMaps, secrets);
    delete env.DATABASE_URL;
    expect(() => expectAccepted('binding', 'test', env)).toThrow(/DATABASE_URL/);
  });

  it('gives the binding migration its database and nothing secret beyond it, in k8s and compose', () => {
    const job = findObject(objects, 'Job', 'binding-migrate').spec.template.spec.containers[0];
    const k8s = resolveContainerEnv(job, configMaps, secrets);
    expect(k8s.problems).toEqual([]);
    const composed = resolvedEnvironment(compose.services['binding-migrate'], exampleVars);
    for (const [where, environment] of [
      ['Job/binding-migrate', k8s.env],
      ['docker-compose service binding-migrate', composed],
    ] as const) {
      expectAccepted('binding-migrate', where, environment, MIGRATION_SHAPE);
      expect([where, Object.keys(environment).sort()]).toEqual([where, Object.keys(MIGRATION_SHAPE).sort()]);
    }
  });

  describe('Kubernetes', () => {
    it.each(services)('gives %s every variable its config requires, with valid values', (service) => {
      for (const [where, container] of k8sContainers(service)) {
        const { env, problems } = resolveContainerEnv(container, configMaps, secrets);
        expect([where, problems]).toEqual([where, []]);
        for (const name of requiredVariables(serviceConfigShape(service))) {
          expect([where, name, env[name]]).toEqual([where, name, expect.stringMatching(/\S/)]);
        }
        // the bus is locked: NATS_CREDS names the file of this service's own key of the Secret nats-creds
        expect([where, k8sSecretFileAt(service, env.NATS_CREDS)]).toEqual([
          where,
          `nats-creds/${service}.creds`,
        ]);
        expectAccepted(service, where, { ...env, NATS_CREDS: STAND_IN_CREDS });
      }
    });

    it.each(services)('sets no variable %s does not read (typos)', (service) => {
      const known = knownVariables(service);
      for (const [where, container] of k8sContainers(service)) {
        const { env } = resolveContainerEnv(container, configMaps, secrets);
        expect([where, Object.keys(env).filter((k) => !known.has(k))]).toEqual([where, []]);
      }
    });

    it.each(services)('serves %s on the port its PORT variable names', (service) => {
      const [, container] = k8sContainers(service)[0];
      const { env } = resolveContainerEnv(container, configMaps, secrets);
      const http = container.ports.find((p: { name: string }) => p.name === 'http');
      expect(String(http.containerPort)).toBe(env.PORT ?? '3000');
    });
  });

  describe('docker-compose', () => {
    it.each(services)('gives %s every variable its config requires, with the example env file', (service) => {
      for (const name of composeServices(service)) {
        const definition = compose.services[name];
        expect([name, definition]).toEqual([name, expect.anything()]);
        expect([name, definition.env_file]).toEqual([name, undefined]);
        const env = resolvedEnvironment(definition, exampleVars);
        for (const variable of requiredVariables(serviceConfigShape(service))) {
          expect([name, variable, env[variable]]).toEqual([name, variable, expect.stringMatching(/\S/)]);
        }
        // the bus is locked: each service signs in with its own credential, mounted as a Docker secret
        expect([name, composeSecretAt(definition, env.NATS_CREDS)]).toEqual([name, `nats-creds-${service}`]);
        expectAccepted(service, `docker-compose service ${name}`, { ...env, NATS_CREDS: STAND_IN_CREDS });
      }
    });

    it.each(services)('sets no variable %s does not read (typos)', (service) => {
      const known = knownVariables(service);
      for (const name of composeServices(service)) {
        const env = resolvedEnvironment(compose.services[name], exampleVars);
        expect([name, Object.keys(env).filter((k) => !known.has(k))]).toEqual([name, []]);
      }
    });
  });
});
