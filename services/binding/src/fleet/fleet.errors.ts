/**
 * A fleet command that could not be carried out; the message says what to do instead. `exitCode` 2: the
 * command itself was wrong (fix it and run it again); 1: something it needs did not answer (try again).
 */
export class FleetError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
    this.name = 'FleetError';
  }
}

export class InvalidIdError extends FleetError {
  constructor(what: 'mirror' | 'store', id: string) {
    super(`${what} id "${id}" is not valid: use 1-64 characters of a-z, 0-9 and -`);
    this.name = 'InvalidIdError';
  }
}

export class UnknownMirrorError extends FleetError {
  constructor(mirrorId: string) {
    super(
      `mirror ${mirrorId} is not registered: register it with \`npm run fleet -- mirror add ${mirrorId} --store <storeId>\``,
    );
    this.name = 'UnknownMirrorError';
  }
}

/** The NATS servers did not take a revocation; nothing was recorded, so the command can simply run again. */
export class RevocationNotPushedError extends FleetError {
  constructor(servers: string, reason: string) {
    super(
      `could not push the revocation to the NATS servers (${servers}): ${reason}. Nothing was registered ` +
        'or revoked in the database; run the same command again once the bus answers.',
      1,
    );
    this.name = 'RevocationNotPushedError';
  }
}

/** binding's database lacks the migrations the registry needs. */
export class SchemaNotMigratedError extends FleetError {
  constructor(pending: string[]) {
    super(
      `binding's database is missing migrations (${pending.join(', ')}): run migrations first ` +
        '(`node services/binding/dist/migrate.js`, or start binding), then run this command again.',
      1,
    );
    this.name = 'SchemaNotMigratedError';
  }
}

/** FLEET_AUTHORITY_DIR does not hold a usable authority. */
export class AuthorityUnusableError extends FleetError {
  constructor(dir: string, reason: string) {
    super(
      `FLEET_AUTHORITY_DIR (${dir}) is not a usable bus authority: ${reason}. Point it at the directory ` +
        '`npm run bus -- init` created (its seeds/ and creds/system.creds are needed).',
      2,
    );
    this.name = 'AuthorityUnusableError';
  }
}
