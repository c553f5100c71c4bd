import { ConfigError, databaseShape, env, loadConfig } from '@mirror/config';
import { isValidMirrorId } from '@mirror/contracts';
import { Clock } from '@mirror/platform';
import { z } from 'zod';
import { createDataSource } from './database/data-source';
import { DatabaseRepository } from './database/database.repository';
import { pendingMigrations } from './database/migration-runner';
import { BusMirrorCredentials } from './fleet/bus-mirror-credentials';
import { credsTarget, writeCredsFile, type CredsTarget } from './fleet/creds-file';
import { FleetError, InvalidIdError, SchemaNotMigratedError, UnknownMirrorError } from './fleet/fleet.errors';
import { FleetService, type MirrorCredentials, type Registration } from './fleet/fleet.service';
import { deliverMirrorCode, mirrorCodeTargets, requestMirrorCode } from './fleet/mirror-code';
import { MirrorRegistryRepository, type RegisteredMirror } from './fleet/mirror-registry.repository';

const USAGE = `fleet — register and revoke fitting mirrors (npm run fleet -- <command>)

  mirror add <mirrorId> --store <storeId> [--store-name <name>] [--out <file> | --out -]
      register (or re-register) a mirror to a store and write its NATS credential (.creds, 0600), by default
      to $FLEET_AUTHORITY_DIR/creds/mirrors/<mirrorId>.creds; --out - prints it (the seed!) on stdout.
      Re-registering revokes the credential it replaces.
  mirror revoke <mirrorId>
      cut the mirror off the bus: its connection is closed and refused from then on, within seconds.
  mirror list [--store <storeId>]
  mirror code <mirrorId> [--png <file>] [--svg <file>] [--size <px>]
      the registered mirror's permanent code to print on its frame (scene m:<mirrorId>), from qr-issuer, which
      issues it once: written as PNG (--size pixels wide, 256-4096, default 1200) and/or SVG.

Environment: DATABASE_URL (binding's Postgres, migrated); for add, revoke and code also NATS_URL and
FLEET_AUTHORITY_DIR (the bus's authority directory, whose account signing seed signs the credential).
Exit codes: 0 done; 2 the command or its configuration is wrong (nothing changed); 1 the database or the
bus did not answer, or the credential could not be written (the message says what state it left).`;

const authorityShape = {
  NATS_URL: env.urlList(['nats', 'tls']),
  NATS_NAMESPACE: env.namespace(),
  FLEET_AUTHORITY_DIR: z.string({ required_error: 'is required' }).min(1, 'is required'),
};

/** Where the command reads its environment and writes its answers (the process's, or a test's). */
export interface FleetIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

class UsageError extends Error {
  constructor(message = '') {
    super(message ? `${message}\n\n${USAGE}` : USAGE);
  }
}

interface Command {
  verb: 'add' | 'revoke' | 'list' | 'code';
  mirrorId?: string;
  flags: Partial<Record<'store' | 'store-name' | 'out' | 'png' | 'svg' | 'size', string>>;
}

const FLAGS: Record<Command['verb'], string[]> = {
  add: ['store', 'store-name', 'out'],
  revoke: [],
  list: ['store'],
  code: ['png', 'svg', 'size'],
};

function parse(args: string[]): Command {
  const [noun, verb, ...rest] = args;
  if (noun !== 'mirror' || !verb || !(verb in FLAGS)) throw new UsageError();
  const command: Command = { verb: verb as Command['verb'], flags: {} };
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    const value = rest[++i];
    if (!FLAGS[command.verb].includes(name)) throw new UsageError(`mirror ${verb} has no option ${arg}`);
    if (value === undefined) throw new UsageError(`${arg} needs a value`);
    command.flags[name as keyof Command['flags']] = value;
  }
  const wanted = command.verb === 'list' ? 0 : 1;
  if (positional.length !== wanted) {
    throw new UsageError(
      wanted ? `mirror ${verb} needs exactly one <mirrorId>` : `unexpected ${positional.join(' ')}`,
    );
  }
  command.mirrorId = positional[0];
  if (command.mirrorId !== undefined && !isValidMirrorId(command.mirrorId)) {
    throw new InvalidIdError('mirror', command.mirrorId);
  }
  if (command.verb === 'add' && !command.flags.store)
    throw new UsageError('mirror add needs --store <storeId>');
  return command;
}

/** Runs one fleet command; resolves to the exit code, with a line a shop's SRE can act on. */
export async function runFleet(args: string[], io: FleetIo): Promise<number> {
  try {
    if (args.length === 1 && ['help', '--help', '-h'].includes(args[0]!)) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    await execute(parse(args), io);
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      io.stderr(`${e.message}\n`);
      return 2;
    }
    if (e instanceof FleetError) {
      io.stderr(`${e.message}\n`);
      return e.exitCode;
    }
    io.stderr(`fleet failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    return 1;
  }
}

async function execute(command: Command, io: FleetIo): Promise<void> {
  const { DATABASE_URL } = loadConfig('fleet', databaseShape, io.env);
  const bus = command.verb === 'list' ? undefined : loadConfig('fleet', authorityShape, io.env);
  const target =
    command.verb === 'add'
      ? credsTarget(command.flags.out, command.mirrorId!, {
          dir: bus!.FLEET_AUTHORITY_DIR,
          namespace: bus!.NATS_NAMESPACE,
        })
      : undefined;
  const images = command.verb === 'code' ? mirrorCodeTargets(command.mirrorId!, command.flags) : undefined;
  const credentials = bus
    ? await BusMirrorCredentials.open(bus.FLEET_AUTHORITY_DIR, bus.NATS_URL, bus.NATS_NAMESPACE)
    : undefined;
  const dataSource = createDataSource({ url: DATABASE_URL, poolSize: 2, applicationName: 'fleet' });
  try {
    await dataSource.initialize();
  } catch (e) {
    // the message, never DATABASE_URL itself: it holds a password
    throw new FleetError(`could not reach binding's database (DATABASE_URL): ${(e as Error).message}`, 1);
  }
  try {
    const pending = await pendingMigrations(dataSource);
    if (pending.length) throw new SchemaNotMigratedError(pending);
    const db = new DatabaseRepository(dataSource);
    const fleet = new FleetService(new MirrorRegistryRepository(db), db, new Clock(), credentials ?? LISTING);
    const id = command.mirrorId!;
    if (command.verb === 'list') {
      io.stdout(formatList(await fleet.list(command.flags.store)));
    } else if (command.verb === 'revoke') {
      const mirror = await fleet.revoke(id);
      io.stdout(
        `mirror ${id} revoked (since ${mirror.revokedAt!.toISOString()}): its connection is cut and it ` +
          `cannot sign in again; \`mirror add ${id}\` issues a new credential\n`,
      );
    } else if (command.verb === 'code') {
      if (!(await new MirrorRegistryRepository(db).find(id))?.storeId) throw new UnknownMirrorError(id);
      const code = await requestMirrorCode({
        authorityDir: bus!.FLEET_AUTHORITY_DIR,
        servers: bus!.NATS_URL,
        namespace: bus!.NATS_NAMESPACE,
        mirrorId: id,
      });
      io.stdout(await deliverMirrorCode(id, code, images!));
    } else {
      const registration = await fleet.register(id, command.flags.store!, command.flags['store-name']);
      deliver(registration, target!, io);
    }
  } finally {
    await dataSource.destroy();
  }
}

/** `mirror list` reads the registry only: no authority, no bus. */
const LISTING: MirrorCredentials = {
  issue: () => Promise.reject(new Error('mirror list issues no credential')),
  revoke: () => Promise.reject(new Error('mirror list revokes nothing')),
};

function deliver(registration: Registration, target: CredsTarget, io: FleetIo): void {
  const { mirror, creds, replacedKey } = registration;
  const replaced = replacedKey ? `; the credential it replaces (${replacedKey}) is revoked` : '';
  const done = `mirror ${mirror.id} registered to store ${mirror.storeId} with user key ${mirror.natsUserKey}${replaced}`;
  if (target.kind === 'stdout') {
    io.stdout(creds);
    io.stderr(`${done}\n`);
    return;
  }
  try {
    writeCredsFile(target.path, creds);
  } catch (e) {
    throw new FleetError(
      `${done}, but its credential could not be written to ${target.path} (${(e as Error).message}). ` +
        `Run \`mirror add ${mirror.id}\` again to issue another one (this one is then revoked).`,
      1,
    );
  }
  io.stdout(`${done}\ncredential (secret, 0600): ${target.path} — copy it to the mirror as its NATS_CREDS\n`);
}

function formatList(mirrors: RegisteredMirror[]): string {
  const status = (m: RegisteredMirror) =>
    m.revokedAt ? `revoked ${m.revokedAt.toISOString()}` : m.natsUserKey ? 'active' : 'not registered';
  const rows = [
    ['MIRROR', 'STORE', 'STATUS', 'REGISTERED', 'LAST SEEN'],
    ...mirrors.map((m) => [
      m.id,
      m.storeId ? `${m.storeId}${m.storeName ? ` (${m.storeName})` : ''}` : '-',
      status(m),
      m.registeredAt?.toISOString() ?? '-',
      m.lastSeenAt.toISOString(),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map(
      (r) =>
        r
          .map((cell, c) => cell.padEnd(widths[c]!))
          .join('  ')
          .trimEnd() + '\n',
    )
    .join('');
}

if (require.main === module) {
  void runFleet(process.argv.slice(2), {
    env: process.env,
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
  }).then((code) => {
    process.exitCode = code;
    // a handle left open by a failure must not keep an admin command hanging
    setTimeout(() => process.exit(code), 2000).unref();
  });
}
