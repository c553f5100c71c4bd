import {
  createAccount,
  createOperator,
  createUser,
  decode,
  encodeAccount,
  encodeOperator,
  encodeUser,
  fmtCreds,
  fromSeed,
  type Account,
  type KeyPair,
  type OperatorLimits,
} from '@nats-io/jwt';
import { appAccountMappings } from './subject-mappings';
import { AUTH_FILES, AuthDirectory, AuthDirectoryError, type AuthFile } from './auth-directory';

/** The system user's inbox prefix (it only asks the server to update account JWTs). */
export const SYSTEM_INBOX_PREFIX = '_INBOX_system';
export const OPERATOR_NAME = 'mirror-bus';
export const APP_ACCOUNT_NAME = 'APP';
export const SYSTEM_ACCOUNT_NAME = 'SYS';

// Every limit is explicit: a limit missing from an account JWT reads as 0 (no connections, no streams).
const NO_LIMITS: OperatorLimits = {
  subs: -1,
  data: -1,
  payload: -1,
  imports: -1,
  exports: -1,
  wildcards: true,
  conn: -1,
  leaf: -1,
};
/** The server's own limits apply; JetStream is on (memory and file storage not 0). */
const APP_ACCOUNT_LIMITS: OperatorLimits = {
  ...NO_LIMITS,
  mem_storage: -1,
  disk_storage: -1,
  streams: -1,
  consumer: -1,
  max_ack_pending: -1,
  mem_max_stream_bytes: -1,
  disk_max_stream_bytes: -1,
  max_bytes_required: false,
};

export interface IdentitySettings {
  /** Where the server keeps account JWTs. */
  resolverDir: string;
}

/** What an authority works with: the signing keys it uses, the JWTs, and its settings. */
export interface BusIdentities {
  operatorSigning: KeyPair;
  appAccount: KeyPair;
  appSigning: KeyPair;
  operatorJwt: string;
  appAccountJwt: string;
  systemAccountJwt: string;
  settings: IdentitySettings;
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/**
 * Reads the identities in `dir`; with `create`, first generates what is missing (keys, then the JWTs they
 * sign, then the system user's creds), so running it again changes nothing. Refuses pieces that do not
 * belong together.
 */
export async function loadIdentities(
  dir: AuthDirectory,
  create: boolean,
  resolverDir?: string,
): Promise<BusIdentities> {
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
  const identities: BusIdentities = {
    operatorSigning,
    appAccount,
    appSigning,
    operatorJwt: await jwt('operatorJwt', () =>
      encodeOperator(OPERATOR_NAME, operator, {
        system_account: systemAccount.getPublicKey(),
        signing_keys: [operatorSigning.getPublicKey()],
      }),
    ),
    appAccountJwt: await jwt('appAccountJwt', () =>
      encodeAccount(
        APP_ACCOUNT_NAME,
        appAccount.getPublicKey(),
        {
          limits: APP_ACCOUNT_LIMITS,
          signing_keys: [appSigning.getPublicKey()],
          ...({ mappings: appAccountMappings() } as Partial<Account>),
        },
        { signer: operatorSigning },
      ),
    ),
    systemAccountJwt: await jwt('systemAccountJwt', () =>
      encodeAccount(
        SYSTEM_ACCOUNT_NAME,
        systemAccount.getPublicKey(),
        { limits: NO_LIMITS },
        { signer: operatorSigning },
      ),
    ),
    settings: settingsOf(dir, create, resolverDir),
  };
  if (create && !dir.exists('systemCreds')) {
    const user = createUser();
    const userJwt = await encodeUser('system', user, systemAccount, {
      pub: { allow: ['$SYS.REQ.CLAIMS.UPDATE'], deny: [] },
      sub: { allow: [`${SYSTEM_INBOX_PREFIX}.>`], deny: [] },
    });
    dir.writeSecret(AUTH_FILES.systemCreds, text(fmtCreds(userJwt, user)));
    user.clear();
  }
  check(dir, identities, operator, systemAccount);
  return identities;
}

function settingsOf(dir: AuthDirectory, create: boolean, resolverDir?: string): IdentitySettings {
  const stored = create ? dir.read('settings') : dir.require('settings');
  const settings: IdentitySettings = stored
    ? (JSON.parse(stored) as IdentitySettings)
    : { resolverDir: dir.path('resolverDir') };
  if (resolverDir) settings.resolverDir = resolverDir;
  if (create) dir.writePublic(AUTH_FILES.settings, JSON.stringify(settings, null, 2) + '\n');
  return settings;
}

/** The JWTs on disk must name the keys on disk, be signed by them and list the signing keys. */
function check(dir: AuthDirectory, ids: BusIdentities, operator: KeyPair, systemAccount: KeyPair): void {
  const refuse = (what: string) =>
    new AuthDirectoryError(
      `${what} does not belong to the keys in ${dir.root}/seeds: ` +
        'restore the matching seeds, or move the directory away and run init again',
    );
  const expect = (file: AuthFile, jwt: string, subject: string, issuers: string[]) => {
    const claims = decode(jwt); // verifies the signature
    if (claims.sub !== subject || !issuers.includes(claims.iss)) throw refuse(dir.path(file));
  };
  const op = operator.getPublicKey();
  const opSigning = ids.operatorSigning.getPublicKey();
  expect('operatorJwt', ids.operatorJwt, op, [op]);
  expect('appAccountJwt', ids.appAccountJwt, ids.appAccount.getPublicKey(), [op, opSigning]);
  expect('systemAccountJwt', ids.systemAccountJwt, systemAccount.getPublicKey(), [op, opSigning]);
  const operatorClaims = decode<{ signing_keys?: string[]; system_account?: string }>(ids.operatorJwt).nats;
  const appClaims = decode<Account>(ids.appAccountJwt).nats;
  if (
    !operatorClaims.signing_keys?.includes(opSigning) ||
    operatorClaims.system_account !== systemAccount.getPublicKey() ||
    !appClaims.signing_keys?.includes(ids.appSigning.getPublicKey())
  ) {
    throw refuse(`the signing keys listed in ${dir.root}/jwt`);
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
 * JWT library asks for it several times per signature.
 */
function withKnownPublicKey(kp: KeyPair): KeyPair {
  const publicKey = kp.getPublicKey();
  const known = Object.create(kp) as KeyPair;
  known.getPublicKey = () => publicKey;
  return known;
}
