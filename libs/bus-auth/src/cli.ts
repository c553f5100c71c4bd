import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SERVICE_NAMES } from '@mirror/contracts';
import { decode } from '@nats-io/jwt';
import { AuthDirectory, AuthDirectoryError } from './auth-directory';
import { BusAuthority } from './bus-authority';
import { ClaimsUpdateError, connectSystemUser, pushAccountJwt, revokeUser } from './claims-update';
import { mirrorPermissions, servicePermissions, type UserPermissions } from './permissions';
import type { UserCredential } from './user-credential';

const USAGE = `usage: bus-auth <command>
  init <dir> [--resolver-dir <path>] [--demo-mirror <id>]
      create the operator, accounts and system user once (kept in <dir>), render <dir>/auth.conf,
      write each service's and the demo mirror's creds if missing
  config <dir> [--resolver-dir <path>] [--out <file>]
      the server config include, for a server whose resolver directory is <path>
  creds <dir> service <name> [--namespace <ns>] [--out <file>]
  creds <dir> mirror <id> [--namespace <ns>] [--out <file>]
      issue a new credential (a new key; the one it replaces stays valid until revoked)
  revoke <dir> <userPublicKey>
      revoke a user and push the account update to NATS_URL with <dir>'s system user
  push <dir>
      push <dir>'s application account JWT to NATS_URL (after an init that changed it: new mappings)`;

const DEMO_MIRROR = 'demo-mirror-1';

class UsageError extends Error {}

interface Parsed {
  positional: string[];
  flags: Record<string, string>;
}

function parse(args: string[], allowed: string[]): Parsed {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    const value = args[++i];
    if (!allowed.includes(name)) throw new UsageError(`unknown option ${arg}`);
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
    flags[name] = value;
  }
  return { positional, flags };
}

/** Runs one command; returns the exit code. Prints paths and public keys, never a seed. */
export async function runCli(
  argv: string[],
  out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'init':
        return await init(parse(rest, ['resolver-dir', 'demo-mirror']), out);
      case 'config':
        return await config(parse(rest, ['resolver-dir', 'out']), out);
      case 'creds':
        return await creds(parse(rest, ['namespace', 'out']), out);
      case 'revoke':
        return await revoke(parse(rest, []), out, env);
      case 'push':
        return await push(parse(rest, []), out, env);
      default:
        throw new UsageError(command ? `unknown command ${command}` : 'no command');
    }
  } catch (e) {
    if (e instanceof UsageError) {
      out(`${e.message}\n${USAGE}`);
      return 2;
    }
    if (e instanceof AuthDirectoryError || e instanceof ClaimsUpdateError) {
      out(`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

function dirArg(p: Parsed, count: number): string[] {
  if (p.positional.length !== count) throw new UsageError('wrong number of arguments');
  return p.positional;
}

async function init(p: Parsed, out: (line: string) => void): Promise<number> {
  const [dir] = dirArg(p, 1);
  const authority = await BusAuthority.init(dir, { resolverDir: p.flags['resolver-dir'] });
  out(`authority directory: ${authority.directory} (keep seeds/ and creds/ secret; never commit them)`);
  out(`application account: ${authority.appAccountPublicKey}`);
  out(`system account:      ${authority.systemAccountPublicKey}`);
  out(`server config include: ${authority.serverConfigPath}`);
  const files = new AuthDirectory(dir);
  for (const service of SERVICE_NAMES) {
    await writeIfMissing(
      files,
      serviceCredsPath(service, ''),
      () => authority.issueService(service),
      out,
      () => servicePermissions(service),
    );
  }
  const mirrorId = p.flags['demo-mirror'] ?? DEMO_MIRROR;
  await writeIfMissing(
    files,
    mirrorCredsPath(mirrorId, ''),
    () => authority.issueMirror(mirrorId),
    out,
    () => mirrorPermissions(mirrorId),
  );
  return 0;
}

async function config(p: Parsed, out: (line: string) => void): Promise<number> {
  const [dir] = dirArg(p, 1);
  const text = (await BusAuthority.open(dir)).serverConfig(p.flags['resolver-dir']);
  if (p.flags.out) {
    writeFileSync(p.flags.out, text, { mode: 0o644 });
    out(`wrote ${p.flags.out}`);
  } else {
    out(text.trimEnd());
  }
  return 0;
}

async function creds(p: Parsed, out: (line: string) => void): Promise<number> {
  const [dir, kind, name] = dirArg(p, 3);
  const namespace = p.flags.namespace ?? '';
  if (kind !== 'service' && kind !== 'mirror') {
    throw new UsageError(`creds: the kind is "service" or "mirror", not "${kind}"`);
  }
  const authority = await BusAuthority.open(dir);
  let credential: UserCredential;
  let relative: string;
  if (kind === 'service') {
    credential = await authority.issueService(name, { namespace });
    relative = serviceCredsPath(name, namespace);
  } else {
    credential = await authority.issueMirror(name, { namespace });
    relative = mirrorCredsPath(name, namespace);
  }
  const files = new AuthDirectory(dir);
  const path = p.flags.out ?? files.pathOf(relative);
  const replaced = existsSync(path) ? publicKeyOfCreds(readFileSync(path, 'utf8')) : undefined;
  if (p.flags.out) writeFileSync(path, credential.creds, { mode: 0o600 });
  else files.writeSecret(relative, credential.creds);
  describe(credential, path, out);
  if (replaced)
    out(`replaced ${replaced}: it stays valid until revoked (bus-auth revoke ${dir} ${replaced})`);
  return 0;
}

async function push(p: Parsed, out: (line: string) => void, env: NodeJS.ProcessEnv): Promise<number> {
  const [dir] = dirArg(p, 1);
  const servers = env.NATS_URL;
  if (!servers) throw new UsageError('push: NATS_URL must name the NATS server(s) to update');
  const authority = await BusAuthority.open(dir);
  const nc = await connectSystemUser(
    authority,
    servers.split(',').map((s) => s.trim()),
  );
  try {
    await pushAccountJwt(nc, authority.appAccountJwt);
  } finally {
    await nc.close();
  }
  out(`pushed the application account ${authority.appAccountPublicKey}: the servers apply it at once`);
  return 0;
}

async function revoke(p: Parsed, out: (line: string) => void, env: NodeJS.ProcessEnv): Promise<number> {
  const [dir, userPublicKey] = dirArg(p, 2);
  const servers = env.NATS_URL;
  if (!servers) throw new UsageError('revoke: NATS_URL must name the NATS server(s) to update');
  const authority = await BusAuthority.open(dir);
  await revokeUser(authority, userPublicKey, { servers: servers.split(',').map((s) => s.trim()) });
  out(`revoked ${userPublicKey}: its connections are closed and it cannot connect again`);
  out(`${authority.serverConfigPath} now carries the revocation: redeploy it where a copy is mounted`);
  return 0;
}

async function writeIfMissing(
  files: AuthDirectory,
  relative: string,
  issue: () => Promise<UserCredential>,
  out: (line: string) => void,
  permissions: () => UserPermissions,
): Promise<void> {
  const path = files.pathOf(relative);
  let replaced: string | undefined;
  if (existsSync(path)) {
    const creds = readFileSync(path, 'utf8');
    // a credential issued before its role's row changed is issued again, with the row as it is now
    if (samePermissions(permissionsOfCreds(creds), permissions())) {
      out(`kept ${path}`);
      return;
    }
    replaced = publicKeyOfCreds(creds);
  }
  const credential = await issue();
  files.writeSecret(relative, credential.creds);
  describe(credential, path, out);
  if (replaced) out(`re-issued: the role's permissions changed; ${replaced} stays valid until revoked`);
}

/** The permissions a `.creds` file's JWT grants; undefined when it cannot be read. */
function permissionsOfCreds(creds: string): Partial<UserPermissions> | undefined {
  const jwt = /-----BEGIN NATS USER JWT-----\s+(\S+)\s+/.exec(creds)?.[1];
  try {
    const { pub, sub, resp } = decode<Partial<UserPermissions>>(jwt ?? '').nats;
    return { pub, sub, resp };
  } catch {
    return undefined;
  }
}

function samePermissions(held: Partial<UserPermissions> | undefined, wanted: UserPermissions): boolean {
  const norm = (p: Partial<UserPermissions> | undefined) =>
    JSON.stringify([
      p?.pub?.allow ?? [],
      p?.pub?.deny ?? [],
      p?.sub?.allow ?? [],
      p?.sub?.deny ?? [],
      p?.resp ?? null,
    ]);
  return held !== undefined && norm(held) === norm(wanted);
}

function describe(credential: UserCredential, path: string, out: (line: string) => void): void {
  out(`wrote ${path}: user ${credential.publicKey}, connect with inboxPrefix ${credential.inboxPrefix}`);
}

function serviceCredsPath(name: string, namespace: string): string {
  return namespace ? `creds/${namespace}/services/${name}.creds` : `creds/services/${name}.creds`;
}

function mirrorCredsPath(id: string, namespace: string): string {
  return namespace ? `creds/${namespace}/mirrors/${id}.creds` : `creds/mirrors/${id}.creds`;
}

/** The user public key of a `.creds` file's JWT, if it has one. */
function publicKeyOfCreds(creds: string): string | undefined {
  const jwt = /-----BEGIN NATS USER JWT-----\s+(\S+)\s+/.exec(creds)?.[1];
  try {
    return jwt ? decode(jwt).sub : undefined;
  } catch {
    return undefined;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`bus-auth: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
