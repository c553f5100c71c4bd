import { accessSync, chmodSync, constants, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AuthDirectory } from '@mirror/bus-auth';
import { FleetError } from './fleet.errors';

/** Where `mirror add` delivers the `.creds` text: stdout (`--out -`) or a file. */
export type CredsTarget = { kind: 'stdout' } | { kind: 'file'; path: string };

/**
 * The target of `--out`: `-`, a file the user named (its folder checked now, before any credential is
 * issued), or by default `<authority>/creds/[<ns>/]mirrors/<id>.creds`, next to the authority's other
 * secrets (the layout of `npm run bus -- creds`). `mirrorId` must be valid already.
 */
export function credsTarget(
  out: string | undefined,
  mirrorId: string,
  authority: { dir: string; namespace: string },
): CredsTarget {
  if (out === '-') return { kind: 'stdout' };
  if (out === undefined) {
    const ns = authority.namespace ? `${authority.namespace}/` : '';
    return {
      kind: 'file',
      path: new AuthDirectory(authority.dir).pathOf(`creds/${ns}mirrors/${mirrorId}.creds`),
    };
  }
  const path = resolve(out);
  try {
    accessSync(dirname(path), constants.W_OK);
  } catch {
    throw new FleetError(
      `cannot write the credential to ${path}: its folder does not exist or is not writable`,
    );
  }
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw new FleetError(`--out ${out} is a directory: name the .creds file, e.g. ${out}/${mirrorId}.creds`);
  }
  return { kind: 'file', path };
}

/** Writes a secret 0600 from the first byte and never half-written (a temporary file renamed into place). */
export function writeCredsFile(path: string, content: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(temp, content, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}
