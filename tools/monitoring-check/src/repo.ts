import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** The repository root (this tool lives in tools/monitoring-check). */
export const repoRoot = resolve(__dirname, '..', '..', '..');

/** Reads a repository file as UTF-8. */
export function readRepoFile(...parts: string[]): string {
  return readFileSync(join(repoRoot, ...parts), 'utf8');
}

/** TypeScript sources under a repository directory, tests and builds left out, as repo-relative paths. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const name of readdirSync(abs)) {
      if (name === 'node_modules' || name === 'dist' || name === 'test') continue;
      const path = join(abs, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ts$/.test(name) && !/\.(spec|int-spec|e2e-spec|d)\.ts$/.test(name)) {
        out.push(relative(repoRoot, path));
      }
    }
  };
  walk(join(repoRoot, dir));
  return out.sort();
}
