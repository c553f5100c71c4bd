import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Where each piece of the bus's identity lives inside the authority directory (e.g. `.infra/nats-auth/`).
 * `seeds/` and `creds/` are secret (0600 files in 0700 folders); `jwt/`, `auth.conf` and
 * `settings.json` are public material.
 */
export const AUTH_FILES = {
  operatorSeed: 'seeds/operator.nk',
  operatorSigningSeed: 'seeds/operator-signing.nk',
  appAccountSeed: 'seeds/app-account.nk',
  appSigningSeed: 'seeds/app-account-signing.nk',
  systemAccountSeed: 'seeds/system-account.nk',
  operatorJwt: 'jwt/operator.jwt',
  appAccountJwt: 'jwt/app-account.jwt',
  systemAccountJwt: 'jwt/system-account.jwt',
  systemCreds: 'creds/system.creds',
  serverConfig: 'auth.conf',
  settings: 'settings.json',
  resolverDir: 'resolver',
} as const;

export type AuthFile = keyof typeof AUTH_FILES;

/** The authority directory is missing a piece, or its pieces do not belong together. */
export class AuthDirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthDirectoryError';
  }
}

/** The files of an authority directory: reads, and writes that never leave a half-written file. */
export class AuthDirectory {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Creates the directory (0700) if it does not exist. */
  ensure(): void {
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    chmodSync(this.root, 0o700);
  }

  path(file: AuthFile): string {
    return join(this.root, AUTH_FILES[file]);
  }

  /** The path of a file under the directory, for credentials named at run time. */
  pathOf(relative: string): string {
    const full = resolve(this.root, relative);
    if (!full.startsWith(this.root + '/'))
      throw new AuthDirectoryError(`${relative} is outside ${this.root}`);
    return full;
  }

  exists(file: AuthFile): boolean {
    return existsSync(this.path(file));
  }

  /** The file's content, or undefined when it does not exist. */
  read(file: AuthFile): string | undefined {
    const path = this.path(file);
    return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  }

  /** Reads a file that `init` must have written. */
  require(file: AuthFile): string {
    const value = this.read(file);
    if (value === undefined) {
      throw new AuthDirectoryError(`${this.path(file)} is missing: run \`bus-auth init ${this.root}\` first`);
    }
    return value;
  }

  /** Writes a secret (seed, creds): 0600 in a 0700 folder. */
  writeSecret(relative: string, content: string): string {
    return this.write(this.pathOf(relative), content, 0o600);
  }

  /** Writes public material (JWTs, the server config include). */
  writePublic(relative: string, content: string): string {
    return this.write(this.pathOf(relative), content, 0o644);
  }

  private write(path: string, content: string, mode: number): string {
    const folder = dirname(path);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, content, { mode });
    chmodSync(temp, mode);
    renameSync(temp, path);
    return path;
  }
}
