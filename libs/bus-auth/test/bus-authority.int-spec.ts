import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decode, encodeAccount, fromSeed, parseCreds, type Account, type User } from '@nats-io/jwt';
import { SERVICE_NAMES } from '@mirror/contracts';
import { AUTH_FILES, AuthDirectoryError, BusAuthority, appAccountMappings } from '@mirror/bus-auth';
import { runCli } from '../src/cli';

const ROOT = join(__dirname, '../../..');
const seedPattern = /\bS[OAU][A-Z2-7]{56}\b/;

describe(BusAuthority.name, () => {
  const dirs: string[] = [];
  const freshDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'bus-auth-'));
    dirs.push(dir);
    return dir;
  };
  let dir: string;
  let sut: BusAuthority;

  beforeAll(async () => {
    dir = freshDir();
    sut = await BusAuthority.init(dir);
  });
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('creates the identities once and keeps them on every later init', async () => {
    const files = (['operatorSeed', 'appSigningSeed', 'operatorJwt', 'appAccountJwt'] as const).map((f) =>
      readFileSync(join(dir, AUTH_FILES[f]), 'utf8'),
    );
    const again = await BusAuthority.init(dir);
    expect(again.appAccountPublicKey).toBe(sut.appAccountPublicKey);
    expect(again.operatorJwt).toBe(sut.operatorJwt);
    expect(
      (['operatorSeed', 'appSigningSeed', 'operatorJwt', 'appAccountJwt'] as const).map((f) =>
        readFileSync(join(dir, AUTH_FILES[f]), 'utf8'),
      ),
    ).toEqual(files);
  });

  it('keeps seeds and creds readable by their owner only', () => {
    expect(readFileSync(join(dir, AUTH_FILES.operatorSeed), 'utf8')).toMatch(seedPattern);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const folder of ['seeds', 'creds']) {
      expect(statSync(join(dir, folder)).mode & 0o777).toBe(0o700);
      for (const f of readdirSync(join(dir, folder), { recursive: true }) as string[]) {
        const path = join(dir, folder, f);
        if (statSync(path).isFile()) expect(statSync(path).mode & 0o777).toBe(0o600);
      }
    }
  });

  it('renders a server config include with no seed in it', () => {
    const text = readFileSync(sut.serverConfigPath, 'utf8');
    expect(text).toContain(`system_account: ${sut.systemAccountPublicKey}`);
    expect(text).toContain(`${sut.appAccountPublicKey}: "${sut.appAccountJwt}"`);
    expect(text).toContain(`dir: "${join(dir, 'resolver')}"`);
    expect(text).not.toMatch(seedPattern);
  });

  it('enables JetStream for the application account and lists its signing key', () => {
    const account = decode<Account>(sut.appAccountJwt).nats;
    expect(account.limits).toMatchObject({ disk_storage: -1, mem_storage: -1, conn: -1 });
    expect(account.signing_keys).toHaveLength(1);
  });

  it('issues a mirror credential in the standard creds format, signed by the signing key', async () => {
    const credential = await sut.issueMirror('m-1', { namespace: 't1' });
    const parsed = await parseCreds(new TextEncoder().encode(credential.creds));
    expect(parsed.aid).toBe(sut.appAccountPublicKey);
    expect(parsed.uc.sub).toBe(credential.publicKey);
    const signingKey = decode<Account>(sut.appAccountJwt).nats.signing_keys?.[0];
    expect(parsed.uc.iss).toBe(signingKey);
    const user = decode<User>(credential.jwt).nats;
    expect(user.pub?.allow?.sort()).toEqual([
      't1.mirror.m-1.frame',
      't1.mirror.m-1.photo',
      't1.mirror.m-1.status',
      't1.vision.frame.*.m-1',
    ]);
    expect(credential.inboxPrefix).toBe('_INBOX_t1_m-1');
  });

  it('issues a new key on every registration', async () => {
    const [a, b] = [await sut.issueMirror('m-1'), await sut.issueMirror('m-1')];
    expect(a.publicKey).not.toBe(b.publicKey);
  });

  it('keeps every service JWT well under the control line limit of the server config', async () => {
    for (const name of SERVICE_NAMES) {
      const credential = await sut.issueService(name, { namespace: 'a-long-test-namespace' });
      expect({ name, fits: credential.jwt.length < 16 * 1024 }).toEqual({ name, fits: true });
    }
    expect(sut.serverConfig()).toContain('max_control_line: 32KB');
  });

  it('refuses to issue for a role that is not a service, or for a malformed mirror id', async () => {
    await expect(sut.issueService('mirror')).rejects.toThrow(AuthDirectoryError);
    await expect(sut.issueService('nobody')).rejects.toThrow(AuthDirectoryError);
    await expect(sut.issueMirror('m.*')).rejects.toThrow(/mirror id/);
  });

  it('refuses to revoke something that is not a user key', async () => {
    await expect(sut.revoke(sut.appAccountPublicKey)).rejects.toThrow(/not a user public key/);
  });

  it('stores a revocation in the account JWT and the server config, and keeps it on a later init', async () => {
    const own = await BusAuthority.init(freshDir());
    const { publicKey } = await own.issueMirror('m-1');
    const jwt = await own.revoke(publicKey);
    expect(decode<Account>(jwt).nats.revocations?.[publicKey]).toBeGreaterThan(0);
    expect(readFileSync(own.serverConfigPath, 'utf8')).toContain(jwt);
    const again = await BusAuthority.init(own.directory);
    expect(Object.keys(again.revocations())).toEqual([publicKey]);
    expect(decode<Account>(again.appAccountJwt).nats.signing_keys).toEqual(
      decode<Account>(own.appAccountJwt).nats.signing_keys,
    );
  });

  it('adds the subject mappings to an account signed without them, keeping its revocations', async () => {
    const own = await BusAuthority.init(freshDir());
    const { publicKey } = await own.issueMirror('m-1');
    await own.revoke(publicKey);
    // an account JWT as an authority made before the frames were partitioned: no mappings
    const claims = decode<Account>(own.appAccountJwt);
    const operatorSigning = fromSeed(
      Buffer.from(readFileSync(join(own.directory, AUTH_FILES.operatorSigningSeed), 'utf8').trim()),
    );
    const old = { ...claims.nats } as Partial<Account> & { mappings?: unknown };
    delete old.mappings;
    delete old.type;
    delete (old as { version?: number }).version;
    const unmapped = await encodeAccount(claims.name, own.appAccountPublicKey, old, {
      signer: operatorSigning,
    });
    writeFileSync(join(own.directory, AUTH_FILES.appAccountJwt), unmapped + '\n');
    expect((await BusAuthority.open(own.directory)).accountMappings()).toBeUndefined();

    const again = await BusAuthority.init(own.directory);
    expect(again.accountMappings()).toEqual(appAccountMappings());
    expect(Object.keys(again.revocations())).toEqual([publicKey]);
    expect(readFileSync(again.serverConfigPath, 'utf8')).toContain(again.appAccountJwt);
    const third = await BusAuthority.init(own.directory);
    expect(third.appAccountJwt).toBe(again.appAccountJwt); // nothing to change: not re-signed
  });

  it('asks for init when the directory is empty', async () => {
    await expect(BusAuthority.open(freshDir())).rejects.toThrow(/run `bus-auth init/);
  });

  it('refuses a JWT that does not belong to the seeds next to it', async () => {
    const other = await BusAuthority.init(freshDir(), { resolverDir: '/data/jwt' });
    copyFileSync(join(dir, AUTH_FILES.appAccountJwt), join(other.directory, AUTH_FILES.appAccountJwt));
    await expect(BusAuthority.open(other.directory)).rejects.toThrow(AuthDirectoryError);
  });

  it('keeps the resolver directory chosen at init', async () => {
    const own = await BusAuthority.init(freshDir(), { resolverDir: '/data/jwt' });
    const reopened = await BusAuthority.open(own.directory);
    expect(reopened.serverConfig()).toContain('dir: "/data/jwt"');
    expect(reopened.serverConfig('/elsewhere')).toContain('dir: "/elsewhere"');
  });
});

describe('deploy/nats/nats-auth.conf', () => {
  it('is a valid nats-server configuration with a rendered auth.conf next to it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bus-auth-conf-'));
    try {
      const authority = await BusAuthority.init(join(dir, 'authority'));
      for (const f of ['nats.conf', 'nats-auth.conf'])
        copyFileSync(join(ROOT, 'deploy/nats', f), join(dir, f));
      writeFileSync(join(dir, 'auth.conf'), authority.serverConfig());
      const bin = process.env.NATS_SERVER_BIN ?? 'nats-server';
      const { stdout, stderr } = await promisify(execFile)(bin, ['-t', '-c', join(dir, 'nats-auth.conf')]);
      expect(stdout + stderr).toMatch(/is valid/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bus-auth CLI', () => {
  let dir: string;
  let lines: string[];
  const run = (...argv: string[]) => runCli(argv, (l) => lines.push(l), {});

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bus-auth-cli-'));
    lines = [];
    expect(await run('init', dir)).toBe(0);
  });
  beforeEach(() => (lines = []));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('initialises once, writing every service and the demo mirror their creds', async () => {
    const creds = readdirSync(join(dir, 'creds'), { recursive: true }) as string[];
    expect(creds.sort()).toEqual([
      'mirrors',
      'mirrors/demo-mirror-1.creds',
      'services',
      'services/binding.creds',
      'services/photo-store.creds',
      'services/qr-issuer.creds',
      'services/session-vision.creds',
      'services/wechat-gateway.creds',
      'system.creds',
    ]);
    const binding = readFileSync(join(dir, 'creds/services/binding.creds'), 'utf8');
    expect(await run('init', dir)).toBe(0);
    expect(readFileSync(join(dir, 'creds/services/binding.creds'), 'utf8')).toBe(binding);
    expect(lines.filter((l) => l.startsWith('kept '))).toHaveLength(6);
  });

  it('issues a namespaced service credential and names the key it replaces', async () => {
    expect(await run('creds', dir, 'service', 'binding', '--namespace', 't1')).toBe(0);
    expect(await run('creds', dir, 'service', 'binding', '--namespace', 't1')).toBe(0);
    const creds = readFileSync(join(dir, 'creds/t1/services/binding.creds'), 'utf8');
    const user = decode<User>((await parseCreds(new TextEncoder().encode(creds))).jwt);
    expect(user.nats.sub?.allow).toContain('t1.binding.gallery.get');
    expect(lines.some((l) => /^replaced U[A-Z2-7]+: it stays valid until revoked/.test(l))).toBe(true);
  });

  it('never prints a seed', async () => {
    await run('init', dir);
    await run('creds', dir, 'mirror', 'm-1');
    await run('config', dir);
    expect(lines.join('\n')).toContain('resolver_preload');
    expect(lines.join('\n')).not.toMatch(seedPattern);
  });

  it('explains its usage, and that revoke needs NATS_URL', async () => {
    expect(await run('creds', dir, 'robot', 'x')).toBe(2);
    lines = [];
    expect(await run('revoke', dir, 'UABC')).toBe(2);
    expect(lines[0]).toMatch(/NATS_URL/);
    expect(await run('creds', join(dir, 'nowhere'), 'mirror', 'm-1')).toBe(1);
  });
});
