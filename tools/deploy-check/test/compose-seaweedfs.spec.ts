import { commandOf, environmentOf, loadCompose, variableUses } from '../src/compose';
import { parseEnvFile } from '../src/kustomization';
import { readRepoFile } from '../src/repo';

const FILE = 'deploy/compose.seaweedfs.yml';
const base = loadCompose();
const override = loadCompose(FILE) as ReturnType<typeof loadCompose> & { volumes?: Record<string, unknown> };
const exampleVars = parseEnvFile(readRepoFile('deploy/compose.env.example'));

describe(FILE, () => {
  it('replaces only the object store and its bucket job, so every service keeps its settings', () => {
    expect(Object.keys(override.services).sort()).toEqual(['minio', 'minio-init']);
    expect(environmentOf(base.services['photo-store']).S3_ENDPOINT).toBe('http://minio:9000');
  });

  it('runs a pinned SeaweedFS with its S3 API on the port MinIO used, from a volume of its own', () => {
    const s = override.services.minio;
    expect(s.image).toMatch(/^chrislusf\/seaweedfs:\d+\.\d+$/);
    expect(commandOf(s)).toEqual(
      expect.arrayContaining(['server', '-s3', '-s3.port=9000', '-ip.bind=0.0.0.0']),
    );
    expect(s.volumes).toEqual(['seaweedfs-data:/data']);
    expect(override.volumes).toHaveProperty('seaweedfs-data');
    expect(JSON.stringify(s.healthcheck?.test)).toContain('http://127.0.0.1:9000/healthz');
    // the base file publishes the S3 API (signed photo URLs) on container port 9000
    expect(base.services.minio.ports).toEqual([expect.stringMatching(/:9000$/)]);
  });

  it("makes photo-store's S3 keys the server's admin identity", () => {
    const env = environmentOf(override.services.minio);
    expect(env.AWS_ACCESS_KEY_ID).toMatch(/^\$\{S3_ACCESS_KEY:\?/);
    expect(env.AWS_SECRET_ACCESS_KEY).toMatch(/^\$\{S3_SECRET_KEY:\?/);
    const photoStore = environmentOf(base.services['photo-store']);
    expect(photoStore.S3_ACCESS_KEY).toMatch(/^\$\{S3_ACCESS_KEY:\?/);
    expect(photoStore.S3_SECRET_KEY).toMatch(/^\$\{S3_SECRET_KEY:\?/);
  });

  it('creates the bucket with a signed S3 request and no MinIO image, using the base job’s settings', () => {
    const init = override.services['minio-init'];
    expect(init.image).toBe(override.services.minio.image);
    const script = commandOf({ command: init.command }).join(' ');
    expect(script).toContain('--aws-sigv4');
    expect(script).not.toMatch(/\bmc\b/);
    const env = environmentOf(base.services['minio-init']);
    for (const v of ['S3_BUCKET', 'S3_ACCESS_KEY', 'S3_SECRET_KEY']) expect(script).toContain(`$$${v}`);
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['S3_BUCKET', 'S3_ACCESS_KEY', 'S3_SECRET_KEY']));
  });

  it('needs no variable that deploy/compose.env.example does not name', () => {
    const used = variableUses(readRepoFile(FILE)).map((u) => u.name);
    expect(used.filter((v) => !(v in exampleVars))).toEqual([]);
  });
});
