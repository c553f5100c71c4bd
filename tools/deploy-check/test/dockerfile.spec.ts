import { readRepoFile } from '../src/repo';

const dockerfile = readRepoFile('Dockerfile');
const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({
  image: m[1],
  name: m[2],
}));
const runtime = dockerfile.slice(dockerfile.search(/^FROM\s+\S+\s+AS\s+runtime/im));

describe('Dockerfile', () => {
  it('builds in one stage and ships a runtime stage on one pinned image of a Node LTS line from 24 on', () => {
    expect(stages.map((s) => s.name)).toEqual(expect.arrayContaining(['build', 'runtime']));
    const image = dockerfile.match(/^ARG NODE_IMAGE=node:(\d+)\.(\d+)(?:\.\d+)?-bookworm-slim$/m);
    const [major, minor] = [Number(image?.[1]), Number(image?.[2])];
    // even majors become LTS; Node 20 is past its end of life (2026-04-30), 22 has the least time left
    expect(major % 2).toBe(0);
    expect(major).toBeGreaterThanOrEqual(24);
    // and package.json's engines admits it (">=X.Y")
    const engines: string = JSON.parse(readRepoFile('package.json')).engines.node;
    const [, emaj, emin] = engines.match(/^>=\s*(\d+)\.(\d+)/) ?? [];
    expect(major * 1000 + minor).toBeGreaterThanOrEqual(Number(emaj) * 1000 + Number(emin));
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
