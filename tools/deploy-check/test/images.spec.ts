import { parseAllDocuments } from 'yaml';
import type { ComposeFile } from '../src/compose';
import {
  composeImages,
  describeGone,
  dockerfileImages,
  goneImages,
  goneRepository,
  GONE_REPOSITORIES,
  manifestImages,
  parseImageName,
  repositoryImages,
} from '../src/images';

const yaml = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as unknown);
const compose = (text: string) => yaml(text)[0] as ComposeFile;

describe('parseImageName', () => {
  it('resolves Docker Hub short names the way docker pull does', () => {
    expect(parseImageName('nats:2.11.9-alpine')).toEqual({
      registry: 'docker.io',
      repository: 'library/nats',
      tag: '2.11.9-alpine',
      digest: undefined,
    });
    expect(parseImageName('minio/mc:RELEASE.2025-04-16T18-13-26Z')).toMatchObject({
      registry: 'docker.io',
      repository: 'minio/mc',
    });
    expect(parseImageName('index.docker.io/minio/minio')).toMatchObject({ registry: 'docker.io' });
    expect(parseImageName('registry-1.docker.io/bitnami/redis:7.4')).toMatchObject({ registry: 'docker.io' });
  });

  it('takes a first component with a dot, a port or localhost as the registry', () => {
    expect(parseImageName('quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z')).toMatchObject({
      registry: 'quay.io',
      repository: 'minio/minio',
      tag: 'RELEASE.2025-04-22T22-12-26Z',
    });
    expect(parseImageName('localhost:5000/minio/minio')).toMatchObject({
      registry: 'localhost:5000',
      repository: 'minio/minio',
      tag: undefined,
    });
    expect(parseImageName('node:24@sha256:abc')).toMatchObject({ tag: '24', digest: 'sha256:abc' });
  });
});

describe('goneRepository', () => {
  it.each([
    'minio/minio:RELEASE.2025-04-22T22-12-26Z',
    'minio/mc:RELEASE.2025-04-16T18-13-26Z',
    'docker.io/minio/minio',
    'index.docker.io/minio/mc:latest',
    'minio/console:v1.7.6',
    'bitnami/postgresql:16.4.0',
    'docker.io/bitnami/redis@sha256:0123',
  ])('refuses %s', (image) => {
    expect(goneRepository(image)).toEqual(expect.objectContaining({ gone: expect.any(String) }));
  });

  it.each([
    'quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z',
    'quay.io/minio/mc:RELEASE.2025-04-16T18-13-26Z',
    'chrislusf/seaweedfs:4.44',
    'bitnamilegacy/postgresql:16.4.0',
    'miniox/minio:1.0',
    'nats:2.11.9-alpine',
  ])('accepts %s', (image) => {
    expect(goneRepository(image)).toBeUndefined();
  });

  it('says for every entry why it is gone and what to use instead', () => {
    for (const entry of GONE_REPOSITORIES) {
      expect(entry.pattern).toMatch(/^[a-z0-9.-]+\.[a-z]+\/[a-z0-9._/-]+(\/\*)?$/);
      expect(entry.gone.length).toBeGreaterThan(20);
      expect(entry.instead.length).toBeGreaterThan(10);
    }
  });
});

describe('the image check of the deployment files', () => {
  const minioCompose = `
services:
  minio:
    image: \${MINIO_IMAGE:-minio/minio:RELEASE.2025-04-22T22-12-26Z}
  minio-init:
    image: minio/mc:RELEASE.2025-04-16T18-13-26Z
  app:
    build: .
`;

  it('fails on a compose file that pulls minio/minio and minio/mc from Docker Hub, naming each', () => {
    const gone = goneImages(composeImages('docker-compose.yml', compose(minioCompose), {}));
    expect(gone.map((g) => [g.where, g.image])).toEqual([
      ['services.minio.image', 'minio/minio:RELEASE.2025-04-22T22-12-26Z'],
      ['services.minio-init.image', 'minio/mc:RELEASE.2025-04-16T18-13-26Z'],
    ]);
    expect(describeGone(gone)).toMatch(
      /docker-compose\.yml: services\.minio\.image: .*\n {2}gone: .*\n {2}instead: .*quay\.io/,
    );
  });

  it('passes the same compose file on the quay.io images', () => {
    const quay = minioCompose.replace(/(minio\/(minio|mc):)/g, 'quay.io/$1');
    const uses = composeImages('docker-compose.yml', compose(quay), {});
    expect(uses).toHaveLength(2);
    expect(goneImages(uses)).toEqual([]);
  });

  it('reads compose variables with the env file, so a gone image set there is caught too', () => {
    const uses = composeImages(
      'docker-compose.yml',
      compose(minioCompose.replace(/minio\/mc/, 'quay.io/minio/mc')),
      {
        MINIO_IMAGE: 'bitnami/minio:2025.4.22',
      },
    );
    expect(goneImages(uses).map((g) => g.image)).toEqual(['bitnami/minio:2025.4.22']);
  });

  it('fails on a Kubernetes manifest with a gone image in any container list, after kustomize renames', () => {
    const objects = yaml(`
apiVersion: batch/v1
kind: CronJob
metadata: { name: bucket-sync }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers: [{ name: wait, image: quay.io/minio/mc:RELEASE.2025-04-16T18-13-26Z }]
          containers: [{ name: sync, image: minio/mc:RELEASE.2025-04-16T18-13-26Z }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: app }
spec: { template: { spec: { containers: [{ name: app, image: app-image }] } } }
`);
    const uses = manifestImages('k8s/x.yaml', objects);
    expect(uses.map((u) => u.where)).toEqual([
      'CronJob/bucket-sync wait',
      'CronJob/bucket-sync sync',
      'Deployment/app app',
    ]);
    expect(goneImages(uses).map((g) => g.where)).toEqual(['CronJob/bucket-sync sync']);
    const renamed = manifestImages('k8s/x.yaml', objects, {
      images: [{ name: 'app-image', newName: 'docker.io/bitnami/node', newTag: '20.19.0' }],
    });
    expect(goneImages(renamed).map((g) => g.image)).toEqual([
      'minio/mc:RELEASE.2025-04-16T18-13-26Z',
      'docker.io/bitnami/node:20.19.0',
    ]);
  });

  it('fails on a Dockerfile whose FROM (through a global ARG) or COPY --from names a gone image', () => {
    const dockerfile = [
      'ARG BASE=bitnami/node:20.19.0',
      'FROM ${BASE} AS build',
      'COPY --from=minio/mc:RELEASE.2025-04-16T18-13-26Z /usr/bin/mc /usr/bin/mc',
      'FROM node:24-bookworm-slim AS runtime',
      'COPY --from=build /app /app',
      'COPY --from=0 /x /x',
    ].join('\n');
    const uses = dockerfileImages('Dockerfile', dockerfile);
    expect(uses.map((u) => [u.where, u.image])).toEqual([
      ['FROM (stage build)', 'bitnami/node:20.19.0'],
      ['COPY --from', 'minio/mc:RELEASE.2025-04-16T18-13-26Z'],
      ['FROM (stage runtime)', 'node:24-bookworm-slim'],
    ]);
    expect(goneImages(uses).map((g) => g.image)).toEqual([
      'bitnami/node:20.19.0',
      'minio/mc:RELEASE.2025-04-16T18-13-26Z',
    ]);
  });
});

describe('the repository', () => {
  const uses = repositoryImages();

  it('names no image from a gone repository (compose files, k8s manifests, Dockerfile)', () => {
    const gone = goneImages(uses);
    expect(describeGone(gone)).toBe('');
  });

  it('is read in full: the check sees the object store, NATS and the base image in every kind of file', () => {
    const where = (file: string, place: string) =>
      uses.find((u) => u.file === file && u.where === place)?.image;
    expect(where('docker-compose.yml', 'services.minio.image')).toMatch(/^quay\.io\/minio\/minio:RELEASE\./);
    expect(where('docker-compose.yml', 'services.minio-init.image')).toMatch(
      /^quay\.io\/minio\/mc:RELEASE\./,
    );
    expect(where('deploy/compose.seaweedfs.yml', 'services.minio.image')).toMatch(/^chrislusf\/seaweedfs:\d/);
    expect(where('k8s/nats/nats.yaml', 'StatefulSet/nats nats')).toMatch(/^nats:/);
    expect(uses.filter((u) => u.file === 'Dockerfile' && u.where.startsWith('FROM')).length).toBeGreaterThan(
      0,
    );
  });
});
