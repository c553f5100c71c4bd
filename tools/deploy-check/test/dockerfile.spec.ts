import { readRepoFile } from '../src/repo';

const dockerfile = readRepoFile('Dockerfile');
const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({
  image: m[1],
  name: m[2],
}));
const runtime = dockerfile.slice(dockerfile.search(/^FROM\s+\S+\s+AS\s+runtime/im));

describe('Dockerfile', () => {
  it('builds in one stage and ships a runtime stage on the pinned Node 20 image', () => {
    expect(stages.map((s) => s.name)).toEqual(expect.arrayContaining(['build', 'runtime']));
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20(\.\d+)*-bookworm-slim$/m);
    expect(stages.every((s) => s.image === '${NODE_IMAGE}')).toBe(true);
    expect(dockerfile).toMatch(/RUN npm ci[^\n]*\n(.*\n)*?RUN npm run build/);
  });

  it('installs only production dependencies in the runtime stage and runs as a numeric non-root user', () => {
    expect(runtime).toMatch(/npm ci --omit=dev/);
    const user = runtime.match(/^USER\s+(\d+)(?::(\d+))?$/m);
    expect(Number(user?.[1])).toBeGreaterThan(0);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
  });

  it('copies the package.json of every workspace before npm ci (npm ci fails on a missing workspace)', () => {
    const workspaces: string[] = JSON.parse(readRepoFile('package.json')).workspaces;
    for (const glob of workspaces) expect(dockerfile).toContain(`${glob}/package.json`);
  });

  it('keeps dependencies, build output and local state out of the build context', () => {
    const ignored = readRepoFile('.dockerignore').split('\n');
    for (const entry of ['**/node_modules', '**/dist', '.git', '.env', '.infra'])
      expect(ignored).toContain(entry);
    expect(ignored).not.toContain('package-lock.json');
  });
});
