import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, credsAuthenticator } from '@nats-io/transport-node';
import { BusAuthority } from '@mirror/bus-auth';

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
const credsDir = () => (credsDirPath ??= mkdtempSync(join(tmpdir(), 'test-creds-')));
let credsDirPath: string | undefined;

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
export async function testNatsAuth(): Promise<TestNatsAuth> {
  const a = await open();
  if (!a) return {};
  const all = { allow: ['>'], deny: [] };
  const credential = await a.issueUser('test-harness', { pub: all, sub: all }, '_INBOX');
  return { creds: credential.creds };
}

/** Writes a service's credential to a file and returns the environment that names it (NATS_CREDS). */
export async function serviceNatsEnv(service: string, namespace = ''): Promise<{ NATS_CREDS?: string }> {
  const auth = await serviceNatsAuth(service, namespace);
  if (!auth.creds) return {};
  const path = join(credsDir(), `${service}-${namespace || 'root'}-${Date.now().toString(36)}.creds`);
  writeFileSync(path, auth.creds, { mode: 0o600 });
  return { NATS_CREDS: path };
}

/** A plain v3 connection for a test's own use (see testNatsAuth), to the test server by default. */
export async function connectTestNats(
  servers = process.env.TEST_NATS_URL ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
) {
  const { creds } = await testNatsAuth();
  return connect({
    servers,
    ...(creds ? { authenticator: credsAuthenticator(new TextEncoder().encode(creds)) } : {}),
  });
}

/** Writes a mirror's credential to a file and returns the environment that names it (NATS_CREDS). */
export async function mirrorNatsEnv(mirrorId: string, namespace = ''): Promise<{ NATS_CREDS?: string }> {
  const auth = await mirrorNatsAuth(mirrorId, namespace);
  if (!auth.creds) return {};
  const path = join(credsDir(), `mirror-${mirrorId}-${namespace || 'root'}-${Date.now().toString(36)}.creds`);
  writeFileSync(path, auth.creds, { mode: 0o600 });
  return { NATS_CREDS: path };
}

/**
 * The server include that locks a private nats-server (LocalNatsServer) with the local authority, with a
 * resolver directory of its own; undefined on an open bus.
 */
export async function lockedNatsInclude(): Promise<string | undefined> {
  const a = await open();
  return a?.serverConfig(mkdtempSync(join(tmpdir(), 'nats-resolver-')));
}
