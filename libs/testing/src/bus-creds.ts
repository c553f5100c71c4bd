import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, credsAuthenticator } from '@nats-io/transport-node';
import { BusAuthority } from '@mirror/bus-auth';
import { testEnv } from './names';

/**
 * Credentials for tests on the project's locked bus. scripts/infra.sh names the local authority directory in
 * NATS_AUTH_DIR; with it unset (a server without authentication) every helper here returns nothing, so the
 * same test runs against either. Credentials are minted per namespace, as each test file has its own.
 */
export interface TestNatsAuth {
  /** The `.creds` contents, for NatsClient.connect. */
  creds?: string;
  inboxPrefix?: string;
}

let authority: Promise<BusAuthority> | null = null;
let harness: Promise<TestNatsAuth> | null = null;
let credsDir: string | undefined;
let written = 0;

function open(): Promise<BusAuthority> | null {
  const dir = process.env.NATS_AUTH_DIR;
  if (!dir) return null;
  authority ??= BusAuthority.open(dir);
  return authority;
}

/** A service's own credential in `namespace` (what the service gets in production), or {} on an open bus. */
export async function serviceNatsAuth(service: string, namespace = ''): Promise<TestNatsAuth> {
  const a = await open();
  if (!a) return {};
  const credential = await a.issueService(service, { namespace });
  return { creds: credential.creds, inboxPrefix: credential.inboxPrefix };
}

/** A mirror's credential in `namespace`, or {} on an open bus. */
export async function mirrorNatsAuth(mirrorId: string, namespace = ''): Promise<TestNatsAuth> {
  const a = await open();
  if (!a) return {};
  const credential = await a.issueMirror(mirrorId, { namespace });
  return { creds: credential.creds, inboxPrefix: credential.inboxPrefix };
}

/**
 * A test's own client, which plays every other party (a gateway publishing scans, an observer reading
 * streams, the clean-up deleting them): allowed everything. Only someone holding the authority's signing
 * seed can mint it, as the tests here do.
 */
export function testNatsAuth(): Promise<TestNatsAuth> {
  // one harness user per process: every client of the test's own may share it
  harness ??= (async () => {
    const a = await open();
    if (!a) return {};
    const all = { allow: ['>'], deny: [] };
    const credential = await a.issueUser('test-harness', { pub: all, sub: all }, '_INBOX');
    return { creds: credential.creds };
  })();
  return harness;
}

/** Writes a credential to a file of its own (0600); the environment that names it for a process (NATS_CREDS). */
function credsEnv(name: string, auth: TestNatsAuth): { NATS_CREDS?: string } {
  if (!auth.creds) return {};
  credsDir ??= mkdtempSync(join(tmpdir(), 'test-creds-'));
  const path = join(credsDir, `${name}-${++written}.creds`);
  writeFileSync(path, auth.creds, { mode: 0o600 });
  return { NATS_CREDS: path };
}

/** A service's credential in `namespace`, in a file named by the returned NATS_CREDS ({} on an open bus). */
export async function serviceNatsEnv(service: string, namespace = ''): Promise<{ NATS_CREDS?: string }> {
  return credsEnv(service, await serviceNatsAuth(service, namespace));
}

/** A mirror's credential in `namespace`, in a file named by the returned NATS_CREDS ({} on an open bus). */
export async function mirrorNatsEnv(mirrorId: string, namespace = ''): Promise<{ NATS_CREDS?: string }> {
  return credsEnv(`mirror-${mirrorId}`, await mirrorNatsAuth(mirrorId, namespace));
}

/** A plain v3 connection for a test's own use (see testNatsAuth), to the test server by default. */
export async function connectTestNats(servers = testEnv.natsUrl()) {
  const { creds } = await testNatsAuth();
  return connect({
    servers,
    ...(creds ? { authenticator: credsAuthenticator(new TextEncoder().encode(creds)) } : {}),
  });
}

/**
 * The server include that locks a private nats-server (LocalNatsServer) with the local authority, with a
 * resolver directory of its own; undefined on an open bus.
 */
export async function lockedNatsInclude(): Promise<string | undefined> {
  const a = await open();
  return a?.serverConfig(mkdtempSync(join(tmpdir(), 'nats-resolver-')));
}
