import {
  createUser,
  decode,
  encodeAccount,
  encodeUser,
  fmtCreds,
  fromPublic,
  type Account,
} from '@nats-io/jwt';
import { busInboxPrefix, isBusRoleName } from '@mirror/contracts';
import { AUTH_FILES, AuthDirectory, AuthDirectoryError } from './auth-directory';
import { loadIdentities, type BusIdentities } from './identities';
import {
  mirrorPermissions,
  servicePermissions,
  type ServiceRoleName,
  type UserPermissions,
} from './permissions';
import { renderServerAuthConfig } from './server-config';
import { appAccountMappings, sameMappings, type AccountMappings } from './subject-mappings';
import { UserCredential } from './user-credential';

export interface AuthorityOptions {
  /** Where the server keeps account JWTs; default `<dir>/resolver` (a local server). */
  resolverDir?: string;
}

export interface IssueOptions {
  /** Subjects and streams prefixed with `<namespace>.` / `<namespace>_` (tests side by side). */
  namespace?: string;
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** An account's claims as the JWT library signs them, with the mappings it has no type for. */
type AccountClaims = Partial<Account> & { mappings?: AccountMappings };

/**
 * The bus's identities: one operator (its identity key signs the operator JWT, its signing key the
 * account JWTs), the application account (JetStream on; its signing key signs every service and mirror
 * user) and the system account (its user pushes account updates). Issues users' credentials from the
 * table of roles and revokes users by re-signing the application account's JWT.
 */
export class BusAuthority {
  private constructor(
    private readonly dir: AuthDirectory,
    private readonly ids: BusIdentities,
  ) {}

  /**
   * Creates what is missing in `dir` and loads the rest (idempotent: existing keys, JWTs and revocations are
   * kept), then renders the server config include. Refuses a directory whose pieces do not belong together.
   */
  static async init(dirPath: string, options: AuthorityOptions = {}): Promise<BusAuthority> {
    const dir = new AuthDirectory(dirPath);
    dir.ensure();
    const authority = new BusAuthority(dir, await loadIdentities(dir, true, options.resolverDir));
    // an authority made by an earlier version lacks later subject mappings: re-signed with them, once
    const mappings = appAccountMappings();
    if (!sameMappings(authority.accountMappings(), mappings)) {
      await authority.resignAppAccount((account) => ({ ...account, mappings }));
    }
    authority.writeServerConfig();
    return authority;
  }

  /** Loads a directory `init` has written; creates and rewrites nothing. */
  static async open(dirPath: string): Promise<BusAuthority> {
    const dir = new AuthDirectory(dirPath);
    return new BusAuthority(dir, await loadIdentities(dir, false));
  }

  get directory(): string {
    return this.dir.root;
  }

  get operatorJwt(): string {
    return this.ids.operatorJwt;
  }

  get appAccountPublicKey(): string {
    return this.ids.appAccount.getPublicKey();
  }

  /** The application account's current JWT (with its revocations). */
  get appAccountJwt(): string {
    return this.ids.appAccountJwt;
  }

  get systemAccountPublicKey(): string {
    return decode(this.ids.systemAccountJwt).sub;
  }

  get systemAccountJwt(): string {
    return this.ids.systemAccountJwt;
  }

  /** The system user's `.creds` content (secret), for pushing account updates. */
  systemCreds(): string {
    return this.dir.require('systemCreds');
  }

  /** The server config include for a given resolver directory (default: the one of `init`). */
  serverConfig(resolverDir = this.ids.settings.resolverDir): string {
    return renderServerAuthConfig({
      operatorJwt: this.operatorJwt,
      systemAccount: this.systemAccountPublicKey,
      accountJwts: {
        [this.appAccountPublicKey]: this.appAccountJwt,
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
        { signer: this.ids.appSigning },
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
    if (!userPublicKey.startsWith('U')) {
      throw new AuthDirectoryError(`${userPublicKey} is not a user public key`);
    }
    fromPublic(userPublicKey); // throws on a malformed key
    const revokedAt = Math.floor(at.getTime() / 1000);
    await this.resignAppAccount((account) => ({
      ...account,
      revocations: { [userPublicKey]: revokedAt, ...(account.revocations ?? {}) },
    }));
    this.writeServerConfig();
    return this.appAccountJwt;
  }

  /** The subject mappings the application account's JWT carries now. */
  accountMappings(): AccountMappings | undefined {
    return (decode<Account>(this.appAccountJwt).nats as { mappings?: AccountMappings }).mappings;
  }

  /** Re-signs the application account's JWT with `change` applied to its claims, and stores it. */
  private async resignAppAccount(change: (account: AccountClaims) => AccountClaims): Promise<void> {
    const claims = decode<Account>(this.appAccountJwt);
    const account: AccountClaims = change({ ...claims.nats });
    delete account.type;
    delete (account as { version?: number }).version;
    this.ids.appAccountJwt = await encodeAccount(claims.name, this.appAccountPublicKey, account, {
      signer: this.ids.operatorSigning,
    });
    this.dir.writePublic(AUTH_FILES.appAccountJwt, this.appAccountJwt + '\n');
  }

  /** The users revoked so far: public key → revoked-at (epoch seconds). */
  revocations(): Record<string, number> {
    return { ...(decode<Account>(this.appAccountJwt).nats.revocations ?? {}) };
  }

  private writeServerConfig(): void {
    this.dir.writePublic(AUTH_FILES.serverConfig, this.serverConfig());
  }
}
