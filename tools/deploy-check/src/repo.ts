import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** The repository root (this package lives in tools/deploy-check). */
export const repoRoot = resolve(__dirname, '..', '..', '..');

/** A path inside the repository. */
export function repoPath(...parts: string[]): string {
  return join(repoRoot, ...parts);
}

/** Reads a repository file as UTF-8. */
export function readRepoFile(...parts: string[]): string {
  return readFileSync(repoPath(...parts), 'utf8');
}

/** Every service of the system: a directory under services/ with a package.json. */
export function serviceNames(): string[] {
  const dir = repoPath('services');
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'package.json')))
    .sort();
}

/** Files under a repository directory (recursively) whose name passes the filter, as repo-relative paths. */
export function listFiles(dir: string, accept: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const name of readdirSync(abs)) {
      if (name === 'node_modules' || name === 'dist') continue;
      const path = join(abs, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (accept(name)) out.push(relative(repoRoot, path));
    }
  };
  walk(repoPath(dir));
  return out.sort();
}
