import { writeFileSync } from 'node:fs';
import { ConfigError, databaseShape, env, loadConfig } from '@mirror/config';
import { Clock } from '@mirror/platform';
import { z } from 'zod';
import { createDataSource } from './database/data-source';
import { DatabaseRepository } from './database/database.repository';
import { BusMirrorCredentials } from './fleet/bus-mirror-credentials';
import { FleetError } from './fleet/fleet.errors';
import { FleetService } from './fleet/fleet.service';
import { MirrorRegistryRepository } from './fleet/mirror-registry.repository';

const USAGE = `fleet — register and revoke fitting mirrors (npm run fleet -- <command>)

  mirror add <mirrorId> --store <storeId> [--out <file>]   register (or re-register) a mirror: writes its
                                                           NATS credential (default ./<mirrorId>.creds, 0600);
                                                           the credential it replaces is revoked
  mirror revoke <mirrorId>                                 cut the mirror off the bus (within seconds)
  mirror list [--store <storeId>]

Environment: DATABASE_URL (binding's Postgres, migrated), NATS_URL, FLEET_AUTHORITY_DIR (the bus's
authority directory: its account signing seed signs the credential), NATS_NAMESPACE (tests only).`;

const shape = {
  ...databaseShape,
  NATS_URL: env.urlList(['nats', 'tls']),
  NATS_NAMESPACE: env.namespace(),
  FLEET_AUTHORITY_DIR: z.string({ required_error: 'is required' }).min(1, 'is required'),
};

/** Runs one fleet command; the exit code and a line a shop's SRE can act on. */
async function main(args: string[]): Promise<void> {
  const [noun, verb, id] = args;
  if (noun !== 'mirror' || !['add', 'revoke', 'list'].includes(verb ?? '')) throw new UsageError();
  const option = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const config = loadConfig('fleet', shape);
  const dataSource = createDataSource({ url: config.DATABASE_URL, poolSize: 2, applicationName: 'fleet' });
  await dataSource.initialize();
  try {
    const db = new DatabaseRepository(dataSource);
    const credentials = await BusMirrorCredentials.open(
      config.FLEET_AUTHORITY_DIR,
      config.NATS_URL,
      config.NATS_NAMESPACE,
    );
    const fleet = new FleetService(new MirrorRegistryRepository(db), db, new Clock(), credentials);
    if (verb === 'list') {
      for (const m of await fleet.list(option('store')))
        console.log(
          `${m.id}\tstore=${m.storeId ?? '-'}\t${m.revokedAt ? `revoked ${m.revokedAt.toISOString()}` : m.natsUserKey ? 'active' : 'unregistered'}\tlast seen ${m.lastSeenAt.toISOString()}`,
        );
      return;
    }
    if (!id) throw new UsageError();
    if (verb === 'add') {
      const store = option('store');
      if (!store) throw new UsageError('mirror add needs --store <storeId>');
      const out = option('out') ?? `./${id}.creds`;
      const { creds, replaced } = await fleet.register(id, store);
      writeFileSync(out, creds, { mode: 0o600 });
      console.log(
        `mirror ${id} registered to store ${store}; credential written to ${out}${replaced ? ' (the previous one is revoked)' : ''}`,
      );
    } else {
      await fleet.revoke(id);
      console.log(`mirror ${id} revoked: its connection is cut and it cannot sign in again`);
    }
  } finally {
    await dataSource.destroy();
  }
}

class UsageError extends Error {
  constructor(message = '') {
    super(message ? `${message}\n\n${USAGE}` : USAGE);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: unknown) => {
    const known = e instanceof UsageError || e instanceof ConfigError || e instanceof FleetError;
    process.stderr.write(
      known ? `${(e as Error).message}\n` : `fleet failed: ${e instanceof Error ? e.stack : String(e)}\n`,
    );
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
