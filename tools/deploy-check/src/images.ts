import { existsSync } from 'node:fs';
import { interpolate, type ComposeFile } from './compose';
import { loadKustomization, parseEnvFile, type Kustomization } from './kustomization';
import { loadK8sObjects, parseYamlFile } from './manifests';
import { listFiles, readRepoFile, repoPath } from './repo';

/** An image reference split the way Docker resolves it (`nats` → docker.io/library/nats:latest). */
export interface ImageName {
  registry: string;
  /** The path inside the registry, e.g. `minio/minio` or `library/node`. */
  repository: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Parses an image reference; a first component with a dot, a colon or `localhost` is a registry. */
export function parseImageName(reference: string): ImageName {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) [rest, digest] = [rest.slice(0, at), rest.slice(at + 1)];
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) [rest, tag] = [rest.slice(0, colon), rest.slice(colon + 1)];
  const parts = rest.toLowerCase().split('/');
  const explicit = parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost');
  let registry = explicit ? parts.shift()! : 'docker.io';
  if (DOCKER_HUB.has(registry)) registry = 'docker.io';
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  return { registry, repository: parts.join('/'), tag, digest };
}

/** A repository that no longer serves the images a deployment pins, and what to use instead. */
export interface GoneRepository {
  /** `registry/path`; a trailing `/*` covers every repository under that path. */
  pattern: string;
  gone: string;
  instead: string;
}

/**
 * Repositories known to be gone. A pinned image from one of them makes a fresh host fail at `pull`, long
 * after the file was written, while every host that already has the image keeps working: hence a list.
 */
export const GONE_REPOSITORIES: readonly GoneRepository[] = [
  {
    pattern: 'docker.io/minio/*',
    gone: 'MinIO deleted its Docker Hub repositories (minio/minio, minio/mc, …) in September 2026, after archiving the community edition',
    instead:
      'the frozen images of quay.io/minio/<name> with the same RELEASE tag, or a maintained S3 server (deploy/compose.seaweedfs.yml)',
  },
  {
    pattern: 'docker.io/bitnami/*',
    gone: 'Bitnami removed the versioned tags of its Docker Hub images in September 2025 (moved to the frozen bitnamilegacy/ namespace; only a few unpinnable `latest` tags remain)',
    instead:
      "the project's official image (e.g. postgres, redis), or bitnamilegacy/<name> knowing it gets no fixes",
  },
];

/** The entry of `GONE_REPOSITORIES` that covers an image reference, if any. */
export function goneRepository(
  reference: string,
  list: readonly GoneRepository[] = GONE_REPOSITORIES,
): GoneRepository | undefined {
  const { registry, repository } = parseImageName(reference);
  const full = `${registry}/${repository}`;
  return list.find((entry) =>
    entry.pattern.endsWith('/*') ? full.startsWith(entry.pattern.slice(0, -1)) : full === entry.pattern,
  );
}

/** Where a deployment file names an image. */
export interface ImageUse {
  file: string;
  /** e.g. `services.minio.image`, `StatefulSet/nats nats`, `FROM (stage build)` */
  where: string;
  image: string;
}

/** The images of a compose file's services, variables resolved with `vars` (an env file's values). */
export function composeImages(file: string, compose: ComposeFile, vars: Record<string, string>): ImageUse[] {
  return Object.entries(compose.services ?? {})
    .filter(([, s]) => typeof s?.image === 'string')
    .map(([name, s]) => {
      let image = s.image!;
      try {
        image = interpolate(image, vars);
      } catch {
        // a required variable the env file lacks: the check reads the reference as written
      }
      return { file, where: `services.${name}.image`, image };
    });
}

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];

/** The container images of Kubernetes objects (any kind, any depth: pods, templates, job templates). */
export function manifestImages(file: string, objects: unknown[], k?: Kustomization): ImageUse[] {
  const out: ImageUse[] = [];
  const walk = (node: unknown, owner: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, owner));
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (CONTAINER_LISTS.includes(key) && Array.isArray(value)) {
        for (const c of value as { name?: string; image?: unknown }[]) {
          if (typeof c?.image === 'string')
            out.push({ file, where: `${owner} ${c.name ?? '?'}`, image: kustomized(c.image, k) });
        }
      } else walk(value, owner);
    }
  };
  for (const o of objects as { kind?: string; metadata?: { name?: string } }[])
    walk(o, `${o?.kind}/${o?.metadata?.name}`);
  return out;
}

/** An image as kustomize's `images:` rewrites it (newName, newTag, digest). */
export function kustomized(image: string, k?: Kustomization): string {
  const { registry, repository } = parseImageName(image);
  const bare = image.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
  const rule = (k?.images ?? []).find((i) => {
    const n = parseImageName(i.name);
    return i.name === bare || (n.registry === registry && n.repository === repository);
  });
  if (!rule) return image;
  const name = rule.newName ?? bare;
  if (rule.digest) return `${name}@${rule.digest}`;
  const tag = rule.newTag ?? parseImageName(image).tag;
  return tag ? `${name}:${tag}` : name;
}

/**
 * The base images of a Dockerfile: every FROM (global ARG defaults substituted, earlier stages skipped) and
 * every `COPY --from=<image>` that is not a stage.
 */
export function dockerfileImages(file: string, text: string): ImageUse[] {
  const args: Record<string, string> = {};
  const stages = new Set<string>();
  const out: ImageUse[] = [];
  let seenFrom = false;
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  const expand = (s: string) =>
    s.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => args[name] ?? '');
  for (const line of lines) {
    const arg = line.match(/^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)/i);
    // only global ARGs (before the first FROM) may be used in FROM
    if (arg && !seenFrom) args[arg[1]] = arg[2].replace(/^(['"])(.*)\1$/, '$2');
    const from = line.match(/^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i);
    if (from) {
      seenFrom = true;
      const image = expand(from[1]);
      if (!stages.has(image.toLowerCase()) && image !== 'scratch')
        out.push({ file, where: `FROM${from[2] ? ` (stage ${from[2]})` : ''}`, image });
      if (from[2]) stages.add(from[2].toLowerCase());
      continue;
    }
    for (const m of line.matchAll(/--from=(\S+)/g)) {
      const image = expand(m[1]);
      if (!stages.has(image.toLowerCase()) && !/^\d+$/.test(image))
        out.push({ file, where: 'COPY --from', image });
    }
  }
  return out;
}

/** The compose files of the repository: docker-compose.yml and its overrides in deploy/. */
export function composeFiles(): string[] {
  return ['docker-compose.yml', ...listFiles('deploy', (n) => /^compose\..*\.ya?ml$/.test(n))].filter((f) =>
    existsSync(repoPath(f)),
  );
}

/** Every image the repository's deployment files name: compose files, k8s manifests, Dockerfiles. */
export function repositoryImages(): ImageUse[] {
  const vars = parseEnvFile(readRepoFile('deploy/compose.env.example'));
  const kustomization = loadKustomization();
  const dockerfiles = ['services', 'tools', 'deploy', 'k8s']
    .flatMap((dir) => listFiles(dir, (n) => /^Dockerfile(\..+)?$|\.Dockerfile$/.test(n)))
    .concat(existsSync(repoPath('Dockerfile')) ? ['Dockerfile'] : []);
  const byFile = new Map<string, unknown[]>();
  for (const d of loadK8sObjects()) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d.object]);
  return [
    ...composeFiles().flatMap((f) => composeImages(f, parseYamlFile(f)[0] as ComposeFile, vars)),
    ...[...byFile].flatMap(([f, objects]) => manifestImages(f, objects, kustomization)),
    ...dockerfiles.flatMap((f) => dockerfileImages(f, readRepoFile(f))),
  ];
}

/** One image from a gone repository, where it is and what to use instead. */
export interface GoneImage extends ImageUse {
  repository: GoneRepository;
}

/** The uses whose image comes from a gone repository. */
export function goneImages(
  uses: ImageUse[],
  list: readonly GoneRepository[] = GONE_REPOSITORIES,
): GoneImage[] {
  return uses.flatMap((use) => {
    const repository = goneRepository(use.image, list);
    return repository ? [{ ...use, repository }] : [];
  });
}

/** A message naming each gone image, its place, why it is gone and what to use instead. */
export function describeGone(gone: GoneImage[]): string {
  return gone
    .map(
      (g) =>
        `${g.file}: ${g.where}: ${g.image}\n  gone: ${g.repository.gone}\n  instead: ${g.repository.instead}`,
    )
    .join('\n');
}
