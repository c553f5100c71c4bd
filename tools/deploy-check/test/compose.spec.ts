import { commandOf, dependenciesOf, loadCompose, variableUses, environmentOf } from '../src/compose';
import { parseEnvFile } from '../src/kustomization';
import { readRepoFile, serviceNames } from '../src/repo';
import { serviceConfigShape } from '../src/service-config';

const compose = loadCompose();
const text = readRepoFile('docker-compose.yml');
const exampleVars = parseEnvFile(readRepoFile('deploy/compose.env.example'));
const services = serviceNames();

describe('docker-compose.yml', () => {
  it.each(services)('runs %s from the one image, restarted, with a health check', (name) => {
    const s = compose.services[name];
    expect([name, s]).toEqual([name, expect.anything()]);
    expect(commandOf(s)).toEqual(['node', `services/${name}/dist/main.js`]);
    expect(s.image).toBe(compose.services[services[0]].image);
    expect(s.build).toEqual(expect.objectContaining({ context: '.' }));
    expect(s.restart).toBe('unless-stopped');
    expect(s.healthcheck?.disable).not.toBe(true);
    expect(JSON.stringify(s.healthcheck?.test)).toContain('/readyz');
  });

  it('starts services only after what they need is healthy or done, per their config', () => {
    const needs: Record<string, string> = {
      NATS_URL: 'nats',
      REDIS_URL: 'redis',
      DATABASE_URL: 'postgres',
      S3_ENDPOINT: 'minio',
    };
    for (const name of services) {
      const deps = dependenciesOf(compose.services[name]);
      for (const [variable, dependency] of Object.entries(needs)) {
        if (!(variable in serviceConfigShape(name))) continue;
        expect([name, dependency, deps[dependency]]).toEqual([name, dependency, 'service_healthy']);
      }
      for (const [dependency, condition] of Object.entries(deps)) {
        expect([name, dependency, condition]).toEqual([
          name,
          dependency,
          expect.stringMatching(/^service_(healthy|completed_successfully)$/),
        ]);
      }
    }
    expect(dependenciesOf(compose.services.binding)['binding-migrate']).toBe(
      'service_completed_successfully',
    );
    expect(dependenciesOf(compose.services['photo-store'])['minio-init']).toBe(
      'service_completed_successfully',
    );
  });

  it('migrates binding in a one-shot service with the binding image', () => {
    const m = compose.services['binding-migrate'];
    expect(commandOf(m)).toEqual(['node', 'services/binding/dist/migrate.js']);
    expect(m.image).toBe(compose.services.binding.image);
    expect(m.restart).toBe('no');
    expect(dependenciesOf(m).postgres).toBe('service_healthy');
  });

  it('publishes ports only for the gateway and the S3 API of MinIO (and on this host the staff console and, when tracing or monitoring, Jaeger, Prometheus and Grafana)', () => {
    const published = Object.entries(compose.services)
      .filter(([, s]) => (s.ports ?? []).length > 0)
      .map(([name]) => name)
      .sort();
    expect(published).toEqual(['grafana', 'jaeger', 'minio', 'prometheus', 'shop-console', 'wechat-gateway']);
    expect(compose.services.jaeger.profiles).toEqual(['tracing']);
    for (const port of compose.services.jaeger.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    for (const name of ['prometheus', 'grafana']) {
      expect([name, compose.services[name].profiles]).toEqual([name, ['monitoring']]);
      for (const port of compose.services[name].ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
    for (const port of compose.services['shop-console'].ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('gives each stateful dependency a named volume and a health check, on a pinned image', () => {
    for (const name of ['nats', 'postgres', 'redis', 'minio']) {
      const s = compose.services[name];
      expect([name, s.image]).toEqual([
        name,
        expect.stringMatching(/:(\d+\.\d+(\.\d+)?|RELEASE\.[\dT-]+Z)[\w.-]*$/),
      ]);
      expect([name, s.healthcheck?.test]).toEqual([name, expect.anything()]);
      const named = (s.volumes ?? []).map((v) =>
        typeof v === 'string' ? v.split(':')[0] : (v.source ?? ''),
      );
      expect(named.some((v) => v in (compose.volumes ?? {}))).toBe(true);
    }
    expect(compose.services['minio-init'].image).toMatch(/:RELEASE\.[\dT-]+Z$/);
  });

  it('commits no secret: passwords, keys and tokens come from the env file, never as literals', () => {
    const fromEnvFile = /^\$\{[A-Z0-9_]+(:\?[^}]*|:-)\}$/;
    for (const [name, s] of Object.entries(compose.services)) {
      for (const [variable, value] of Object.entries(environmentOf(s))) {
        if (/(PASSWORD|SECRET|TOKEN|_KEY|_AUTH)$/.test(variable)) {
          expect([name, variable, value]).toEqual([name, variable, expect.stringMatching(fromEnvFile)]);
        }
        if (/^(DATABASE|REDIS)_URL$/.test(variable)) {
          expect([name, variable, value]).toEqual([
            name,
            variable,
            expect.stringMatching(/\$\{[A-Z_]+PASSWORD:\?/),
          ]);
        }
      }
    }
  });

  it('names every variable it requires in deploy/compose.env.example, and the example only those it uses', () => {
    const uses = variableUses(text);
    const used = new Set(uses.map((u) => u.name));
    const required = new Set(uses.filter((u) => ['', '?', ':?'].includes(u.operator)).map((u) => u.name));
    expect([...required].filter((v) => !(v in exampleVars))).toEqual([]);
    expect(Object.keys(exampleVars).filter((v) => !used.has(v))).toEqual([]);
    const messages = uses.filter((u) => u.operator === ':?').map((u) => u.argument);
    for (const message of messages) expect(message).toMatch(/compose\.env\.example/);
  });
});
