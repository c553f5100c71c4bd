import {
  createAccount,
  createOperator,
  createUser,
  decode,
  encodeAccount,
  encodeOperator,
  encodeUser,
  fmtCreds,
  fromPublic,
  fromSeed,
  type Account,
  type KeyPair,
  type OperatorLimits,
} from '@nats-io/jwt';
import { busInboxPrefix, isBusRoleName } from '@mirror/contracts';
import { AUTH_FILES, AuthDirectory, AuthDirectoryError, type AuthFile } from './auth-directory';
import {
  mirrorPermissions,
  servicePermissions,
  type ServiceRoleName,
  type UserPermissions,
} from './permissions';
import { renderServerAuthConfig } from './server-config';
import { UserCredential } from './user-credential';

export interface AuthorityOptions {
  /** Where the server keeps account JWTs; default `<dir>/resolver` (a local server). */
  resolverDir?: string;
}

export interface IssueOptions {
  /** Subjects and streams prefixed with `<namespace>.` / `<namespace>_` (tests side by side). */
  namespace?: string;
}

interface Settings {
  resolverDir: string;
}

/** The system user's inbox prefix (it only asks the server to update account JWTs). */
export const SYSTEM_INBOX_PREFIX = '_INBOX_system';

export const APP_ACCOUNT_NAME = 'APP';
export const SYSTEM_ACCOUNT_NAME = 'SYS';

/** No limit on connections, subscriptions and payloads (the server's own limits apply); JetStream on. */
const APP_ACCOUNT_LIMITS: OperatorLimits = {
  subs: -1,
  data: -1,
  payload: -1,
  imports: -1,
  exports: -1,
  wildcards: true,
  conn: -1,
  leaf: -1,
  mem_storage: -1,
  disk_storage: -1,
  streams: -1,
  consumer: -1,
  max_ack_pending: -1,
  mem_max_stream_bytes: -1,
  disk_max_stream_bytes: -1,
  max_bytes_required: false,
};
const SYSTEM_ACCOUNT_LIMITS: OperatorLimits = {
  subs: -1,
  data: -1,
  payload: -1,
  imports: -1,
  exports: -1,
  wildcards: true,
  conn: -1,
  leaf: -1,
};

interface Keys {
  operatorSigning: KeyPair;
  appAccount: KeyPair;
  appSigning: KeyPair;
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/**
 * The bus's identities: one operator (its identity key signs the operator JWT, its signing key the
 * account JWTs), the application account (JetStream on; its signing key signs every service and mirror
 * user) and the system account (its user pushes account updates). Issues users' credentials from the
 * table of roles and revokes users by re-signing the application account's JWT.
 */
export class BusAuthority {
  private constructor(
    private readonly dir: AuthDirectory,
    private readonly keys: Keys,
    readonly operatorJwt: string,
    private appJwt: string,
    readonly systemAccountJwt: string,
    private readonly settings: Settings,
  ) {}

  /**
   * Creates what is missing in `dir` and loads the rest (idempotent: existing keys, JWTs and revocations are
   * kept), then renders the server config include. Refuses a directory whose pieces do not belong together.
   */
  static async init(dirPath: string, options: AuthorityOptions = {}): Promise<BusAuthority> {
    const dir = new AuthDirectory(dirPath);
    dir.ensure();
    const authority = await BusAuthority.load(dir, true, options.resolverDir);
    authority.writeServerConfig();
    return authority;
  }

  /** Loads a directory `init` has written; creates and rewrites nothing. */
  static open(dirPath: string): Promise<BusAuthority> {
    return BusAuthority.load(new AuthDirectory(dirPath), false);
  }

  private static async load(
    dir: AuthDirectory,
    create: boolean,
    resolverDir?: string,
  ): Promise<BusAuthority> {
    const seed = (file: AuthFile, generate: () => KeyPair): KeyPair => {
      const existing = create ? dir.read(file) : dir.require(file);
      if (existing !== undefined) return withKnownPublicKey(keyFromSeed(existing.trim(), file, dir));
      const kp = generate();
      dir.writeSecret(AUTH_FILES[file], text(kp.getSeed()) + '\n');
      return withKnownPublicKey(kp);
    };
    const operator = seed('operatorSeed', createOperator);
    const operatorSigning = seed('operatorSigningSeed', createOperator);
    const appAccount = seed('appAccountSeed', createAccount);
    const appSigning = seed('appSigningSeed', createAccount);
    const systemAccount = seed('systemAccountSeed', createAccount);

    const jwt = async (file: AuthFile, generate: () => Promise<string>) => {
      const existing = create ? dir.read(file) : dir.require(file);
      if (existing !== undefined) return existing.trim();
      const created = await generate();
      dir.writePublic(AUTH_FILES[file], created + '\n');
      return created;
    };
    const operatorJwt = await jwt('operatorJwt', () =>
      encodeOperator('mirror-bus', operator, {
        system_account: systemAccount.getPublicKey(),
        signing_keys: [operatorSigning.getPublicKey()],
      }),
    );
    const appJwt = await jwt('appAccountJwt', () =>
      encodeAccount(
        APP_ACCOUNT_NAME,
        appAccount.getPublicKey(),
        { limits: APP_ACCOUNT_LIMITS, signing_keys: [appSigning.getPublicKey()] },
        { signer: operatorSigning },
      ),
    );
    const systemJwt = await jwt('systemAccountJwt', () =>
      encodeAccount(
        SYSTEM_ACCOUNT_NAME,
        systemAccount.getPublicKey(),
        { limits: SYSTEM_ACCOUNT_LIMITS },
        { signer: operatorSigning },
      ),
    );
    if (create && !dir.exists('systemCreds')) {
      const user = createUser();
      const userJwt = await encodeUser('system', user, systemAccount, {
        pub: { allow: ['$SYS.REQ.CLAIMS.UPDATE', '$SYS.REQ.ACCOUNT.*.CLAIMS.UPDATE'], deny: [] },
        sub: { allow: [`${SYSTEM_INBOX_PREFIX}.>`], deny: [] },
      });
      dir.writeSecret(AUTH_FILES.systemCreds, text(fmtCreds(userJwt, user)));
      user.clear();
    }
    const stored = create ? dir.read('settings') : dir.require('settings');
    const settings: Settings = stored
      ? (JSON.parse(stored) as Settings)
      : { resolverDir: dir.path('resolverDir') };
    if (resolverDir) settings.resolverDir = resolverDir;
    if (create) dir.writePublic(AUTH_FILES.settings, JSON.stringify(settings, null, 2) + '\n');

    const authority = new BusAuthority(
      dir,
      { operatorSigning, appAccount, appSigning },
      operatorJwt,
      appJwt,
      systemJwt,
      settings,
    );
    authority.check(operator, systemAccount);
    return authority;
  }

  get directory(): string {
    return this.dir.root;
  }

  get appAccountPublicKey(): string {
    return this.keys.appAccount.getPublicKey();
  }

  get systemAccountPublicKey(): string {
    return decode(this.systemAccountJwt).sub;
  }

  /** The application account's current JWT (with its revocations). */
  get appAccountJwt(): string {
    return this.appJwt;
  }

  /** The system user's `.creds` content (secret), for pushing account updates. */
  systemCreds(): string {
    return this.dir.require('systemCreds');
  }

  /** The server config include for a given resolver directory (default: the one of `init`). */
  serverConfig(resolverDir = this.settings.resolverDir): string {
    return renderServerAuthConfig({
      operatorJwt: this.operatorJwt,
      systemAccount: this.systemAccountPublicKey,
      accountJwts: {
        [this.appAccountPublicKey]: this.appJwt,
        [this.systemAccountPublicKey]: this.systemAccountJwt,
      },
      resolverDir,
    });
  }

  /** The path of the rendered server config include. */
  get serverConfigPath(): string {
    return this.dir.path('serverConfig');
  }

  /** Issues a credential for a new user of the application account with the given permissions. */
  async issueUser(
    name: string,
    permissions: UserPermissions,
    inboxPrefix: string,
    tags: string[] = [],
  ): Promise<UserCredential> {
    const user = createUser();
    try {
      const jwt = await encodeUser(
        name,
        user,
        this.appAccountPublicKey,
        { ...permissions, tags },
        { signer: this.keys.appSigning },
      );
      return new UserCredential(name, user.getPublicKey(), jwt, inboxPrefix, text(fmtCreds(jwt, user)));
    } finally {
      user.clear();
    }
  }

  /** A new credential for a mirror: its own subjects only. Re-registering issues a new key. */
  async issueMirror(mirrorId: string, options: IssueOptions = {}): Promise<UserCredential> {
    const ns = options.namespace ?? '';
    return this.issueUser(
      `mirror-${mirrorId}`,
      mirrorPermissions(mirrorId, ns),
      busInboxPrefix({ mirrorId }, ns),
      ['kind:mirror', `mirror:${mirrorId}`, ...(ns ? [`namespace:${ns}`] : [])],
    );
  }

  /** A new credential for a service (or the registrar), with the permissions of its row in BUS_ROLES. */
  async issueService(name: string, options: IssueOptions = {}): Promise<UserCredential> {
    if (!isBusRoleName(name) || name === 'mirror') {
      throw new AuthDirectoryError(`"${name}" is not a service role of BUS_ROLES`);
    }
    const service: ServiceRoleName = name;
    const ns = options.namespace ?? '';
    return this.issueUser(
      `svc-${service}`,
      servicePermissions(service, ns),
      busInboxPrefix({ service }, ns),
      ['kind:service', `service:${service}`, ...(ns ? [`namespace:${ns}`] : [])],
    );
  }

  /**
   * Revokes every JWT issued to `userPublicKey` up to now: adds it to the application account's
   * revocations, re-signs and stores the account JWT, and re-renders the server config include. Returns
   * the new account JWT, which still has to reach the servers (`pushAccountJwt`).
   */
  async revoke(userPublicKey: string, at: Date = new Date()): Promise<string> {
    if (!userPublicKey.startsWith('U'))
      throw new AuthDirectoryError(`${userPublicKey} is not a user public key`);
    fromPublic(userPublicKey); // throws on a malformed key
    const claims = decode<Account>(this.appJwt);
    const revocations = { ...(claims.nats.revocations ?? {}) };
    revocations[userPublicKey] ??= Math.floor(at.getTime() / 1000);
    const account: Partial<Account> = { ...claims.nats, revocations };
    delete account.type;
    delete (account as { version?: number }).version;
    this.appJwt = await encodeAccount(claims.name, this.appAccountPublicKey, account, {
      signer: this.keys.operatorSigning,
    });
    this.dir.writePublic(AUTH_FILES.appAccountJwt, this.appJwt + '\n');
    this.writeServerConfig();
    return this.appJwt;
  }

  /** The users revoked so far: public key → revoked-at (epoch seconds). */
  revocations(): Record<string, number> {
    return { ...(decode<Account>(this.appJwt).nats.revocations ?? {}) };
  }

  private writeServerConfig(): void {
    this.dir.writePublic(AUTH_FILES.serverConfig, this.serverConfig());
  }

  /** The JWTs on disk must name the keys on disk, and be signed by them. */
  private check(operator: KeyPair, systemAccount: KeyPair): void {
    const expect = (file: AuthFile, jwt: string, subject: string, issuers: string[]) => {
      const claims = decode(jwt); // verifies the signature
      if (claims.sub !== subject || !issuers.includes(claims.iss)) {
        throw new AuthDirectoryError(
          `${this.dir.path(file)} does not belong to the keys in ${this.dir.root}/seeds: ` +
            'restore the matching seeds, or move the directory away and run init again',
        );
      }
    };
    const op = operator.getPublicKey();
    const opSigning = this.keys.operatorSigning.getPublicKey();
    expect('operatorJwt', this.operatorJwt, op, [op]);
    expect('appAccountJwt', this.appJwt, this.appAccountPublicKey, [op, opSigning]);
    expect('systemAccountJwt', this.systemAccountJwt, systemAccount.getPublicKey(), [op, opSigning]);
    const operatorClaims = decode<{ signing_keys?: string[]; system_account?: string }>(
      this.operatorJwt,
    ).nats;
    const appClaims = decode<Account>(this.appJwt).nats;
    if (
      !operatorClaims.signing_keys?.includes(opSigning) ||
      operatorClaims.system_account !== systemAccount.getPublicKey() ||
      !appClaims.signing_keys?.includes(this.keys.appSigning.getPublicKey())
    ) {
      throw new AuthDirectoryError(
        `the JWTs in ${this.dir.root}/jwt do not list the signing keys in its seeds`,
      );
    }
  }
}

function keyFromSeed(seed: string, file: AuthFile, dir: AuthDirectory): KeyPair {
  try {
    return fromSeed(new TextEncoder().encode(seed));
  } catch {
    // the message names the file, never its content
    throw new AuthDirectoryError(`${dir.path(file)} does not hold an nkey seed`);
  }
}

/**
 * The key pair with its public key worked out once: nkeys derives it from the seed on every call, and the
 * JWT library asks for it many times per signature.
 */
function withKnownPublicKey(kp: KeyPair): KeyPair {
  const publicKey = kp.getPublicKey();
  const known = Object.create(kp) as KeyPair;
  known.getPublicKey = () => publicKey;
  return known;
}
