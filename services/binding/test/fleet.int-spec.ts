import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { parseCreds } from '@nats-io/jwt';
import { BusAuthority, busNamespace, connectWithCreds } from '@mirror/bus-auth';
import { FramePartitions, busInboxPrefix } from '@mirror/contracts';
import { createTestDatabase, LocalNatsServer, uniqueName, waitFor } from '@mirror/testing';
import { runFleet } from '../src/fleet';
import { migratedDatabase } from './support/database';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const userKey = async (creds: string) => (await parseCreds(new TextEncoder().encode(creds))).uc.sub;

/**
 * `npm run fleet` end to end, through the command's own code path (`runFleet`): a real migrated database, a
 * fresh authority and a private locked nats-server (revocations never touch the shared bus).
 */
describe('fleet command', () => {
  const ns = uniqueName('flt');
  const names = busNamespace(ns);
  let dir: string;
  let out: string;
  let server: LocalNatsServer;
  let database: Awaited<ReturnType<typeof migratedDatabase>>;
  let env: NodeJS.ProcessEnv;
  let vision: NatsConnection;
  const open: NatsConnection[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-authority-'));
    out = mkdtempSync(join(tmpdir(), 'fleet-out-'));
    const authority = await BusAuthority.init(dir);
    server = await LocalNatsServer.start({ include: authority.serverConfig(join(dir, 'resolver')) });
    database = await migratedDatabase();
    env = { DATABASE_URL: database.url, NATS_URL: server.url, NATS_NAMESPACE: ns, FLEET_AUTHORITY_DIR: dir };
    const visionCredential = await authority.issueService('session-vision', { namespace: ns });
    vision = await connectWithCreds({
      servers: server.url,
      creds: visionCredential.creds,
      inboxPrefix: visionCredential.inboxPrefix,
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([...open, vision].map((c) => c.close()));
    await server.dispose();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  async function fleet(...args: string[]) {
    return fleetWith(env, ...args);
  }
  async function fleetWith(environment: NodeJS.ProcessEnv, ...args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await runFleet(args, {
      env: environment,
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
    });
    return { code, stdout, stderr };
  }
  const listed = async (...args: string[]) => (await fleet('mirror', 'list', ...args)).stdout;
  const revocations = async () => Object.keys((await BusAuthority.open(dir)).revocations()).sort();

  /** Connects as the mirror with a `.creds` text, retrying reconnections quickly (as a mirror would). */
  async function connectMirror(mirrorId: string, creds: string): Promise<NatsConnection> {
    const nc = await connectWithCreds({
      servers: server.url,
      creds,
      inboxPrefix: busInboxPrefix({ mirrorId }, ns),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 200,
      reconnectJitter: 0,
    });
    open.push(nc);
    return nc;
  }
  const refused = (mirrorId: string, creds: string) =>
    expect(
      connectWithCreds({ servers: server.url, creds, inboxPrefix: busInboxPrefix({ mirrorId }, ns) }),
    ).rejects.toThrow(/authorization/i);

  it('registers mirrors, cuts a revoked one off within 5 s while the other flows, and re-registers it', async () => {
    const frames: string[] = [];
    vision.subscribe(names.subject(FramePartitions.all), {
      callback: (_e, m) => void frames.push(m.subject),
    });
    await vision.flush();

    const addA = await fleet('mirror', 'add', 'fleet-a', '--store', 'store-1', '--out', join(out, 'a.creds'));
    expect(addA).toMatchObject({ code: 0, stderr: '' });
    expect(statSync(join(out, 'a.creds')).mode & 0o777).toBe(0o600);
    const credsA = readFileSync(join(out, 'a.creds'), 'utf8');
    expect(addA.stdout).toContain(await userKey(credsA));
    expect(addA.stdout).not.toContain('SEED');
    // by default next to the authority's other secrets
    const addB = await fleet('mirror', 'add', 'fleet-b', '--store', 'store-1', '--store-name', 'Shanghai 1');
    expect(addB.code).toBe(0);
    const pathB = join(dir, 'creds', ns, 'mirrors', 'fleet-b.creds');
    expect(addB.stdout).toContain(pathB);
    expect(statSync(pathB).mode & 0o777).toBe(0o600);

    const mirrorA = await connectMirror('fleet-a', credsA);
    const mirrorB = await connectMirror('fleet-b', readFileSync(pathB, 'utf8'));
    let disconnectedAt = 0;
    void (async () => {
      for await (const s of mirrorA.status()) if (s.type === 'disconnect') disconnectedAt ||= Date.now();
    })();
    const from = (id: string) =>
      frames.filter((s) => s === names.subject(`vision.frame.${FramePartitions.of(id)}.${id}`)).length;
    const timer = setInterval(() => {
      for (const [nc, id] of [
        [mirrorA, 'fleet-a'],
        [mirrorB, 'fleet-b'],
      ] as const)
        if (!nc.isClosed()) nc.publish(names.subject(`mirror.${id}.frame`), 'jpeg');
    }, 100);
    try {
      await waitFor(() => from('fleet-a') > 0 && from('fleet-b') > 0, 5000);
      expect(await listed('--store', 'store-1')).toMatch(
        /^MIRROR +STORE +STATUS.*\nfleet-a +store-1 \(Shanghai 1\) +active .*\nfleet-b +store-1 \(Shanghai 1\) +active /,
      );

      const started = Date.now();
      const revoke = await fleet('mirror', 'revoke', 'fleet-a');
      expect(revoke).toMatchObject({ code: 0, stdout: expect.stringMatching(/^mirror fleet-a revoked/) });
      await waitFor(() => disconnectedAt || mirrorA.isClosed(), 5000);
      expect((disconnectedAt || Date.now()) - started).toBeLessThan(5000);
      await settle(300);
      const [aFrames, bFrames] = [from('fleet-a'), from('fleet-b')];
      await settle(2000); // mirror A keeps reconnecting every 200 ms meanwhile
      expect(from('fleet-a')).toBe(aFrames);
      expect(from('fleet-b')).toBeGreaterThan(bFrames + 5);
      await refused('fleet-a', credsA);
      expect(await listed()).toMatch(/\nfleet-a +store-1 \(Shanghai 1\) +revoked \d{4}-/);

      // a new credential on stdout (--out -): it works, the revoked one stays refused
      const again = await fleet('mirror', 'add', 'fleet-a', '--store', 'store-2', '--out', '-');
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^-----BEGIN NATS USER JWT-----/);
      expect(again.stderr).toMatch(/^mirror fleet-a registered to store store-2/);
      expect(await userKey(again.stdout)).not.toBe(await userKey(credsA));
      const renewed = await connectMirror('fleet-a', again.stdout);
      const before = from('fleet-a');
      renewed.publish(names.subject('mirror.fleet-a.frame'), 'jpeg');
      await waitFor(() => from('fleet-a') > before, 5000);
      await refused('fleet-a', credsA);
      expect(await listed('--store', 'store-2')).toMatch(/\nfleet-a +store-2 +active /);
    } finally {
      clearInterval(timer);
    }
  }, 60_000);

  it('re-registering a live mirror revokes the credential it replaces', async () => {
    const first = await fleet(
      'mirror',
      'add',
      'fleet-r',
      '--store',
      'store-1',
      '--out',
      join(out, 'r1.creds'),
    );
    const credsR1 = readFileSync(join(out, 'r1.creds'), 'utf8');
    const mirror = await connectMirror('fleet-r', credsR1);
    let disconnected = false;
    void (async () => {
      for await (const s of mirror.status()) if (s.type === 'disconnect') disconnected = true;
    })();
    const second = await fleet(
      'mirror',
      'add',
      'fleet-r',
      '--store',
      'store-1',
      '--out',
      join(out, 'r2.creds'),
    );
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(second.stdout).toContain(`the credential it replaces (${await userKey(credsR1)}) is revoked`);
    await waitFor(() => disconnected || mirror.isClosed(), 5000);
    await refused('fleet-r', credsR1);
    await connectMirror('fleet-r', readFileSync(join(out, 'r2.creds'), 'utf8'));
  }, 30_000);

  it('keeps both revocations when two commands revoke at once', async () => {
    const creds: string[] = [];
    for (const id of ['fleet-d', 'fleet-e']) {
      expect((await fleet('mirror', 'add', id, '--store', 'store-3', '--out', join(out, id))).code).toBe(0);
      creds.push(readFileSync(join(out, id), 'utf8'));
    }
    const results = await Promise.all([
      fleet('mirror', 'revoke', 'fleet-d'),
      fleet('mirror', 'revoke', 'fleet-e'),
    ]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    expect(await revocations()).toEqual(
      expect.arrayContaining([await userKey(creds[0]!), await userKey(creds[1]!)]),
    );
    await refused('fleet-d', creds[0]!);
    await refused('fleet-e', creds[1]!);
  }, 30_000);

  it('refuses bad ids, unknown mirrors and bad usage with a clear message, changing nothing', async () => {
    const [before, revokedBefore] = [await listed(), await revocations()];
    const cases: [string[], RegExp][] = [
      [['mirror', 'add', 'Not_A_Mirror', '--store', 'store-1'], /mirror id "Not_A_Mirror" is not valid/],
      [['mirror', 'add', 'fleet-c', '--store', 'Store 1'], /store id "Store 1" is not valid/],
      [['mirror', 'revoke', 'fleet-unknown'], /mirror fleet-unknown is not registered: register it with/],
      [['mirror', 'add', 'fleet-c'], /mirror add needs --store <storeId>/],
      [['mirror', 'add', 'fleet-c', '--store', 's', '--force', 'x'], /mirror add has no option --force/],
      [
        ['mirror', 'add', 'fleet-c', '--store', 's', '--out', join(out, 'missing', 'c.creds')],
        /folder does not exist/,
      ],
      [['mirror', 'list', '--store', '../x'], /store id "..\/x" is not valid/],
      [['mirror', 'remove', 'fleet-a'], /^fleet — register and revoke/],
    ];
    for (const [args, message] of cases) {
      const result = await fleet(...args);
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(result.stderr).toMatch(message);
    }
    const noAuthority = await fleetWith({ ...env, FLEET_AUTHORITY_DIR: '' }, 'mirror', 'revoke', 'fleet-a');
    expect(noAuthority).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/FLEET_AUTHORITY_DIR: is required/),
    });
    const wrongAuthority = await fleetWith(
      { ...env, FLEET_AUTHORITY_DIR: out },
      'mirror',
      'revoke',
      'fleet-a',
    );
    expect(wrongAuthority).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/is not a usable bus authority/),
    });
    expect(await listed()).toBe(before);
    expect(await revocations()).toEqual(revokedBefore);
  }, 30_000);

  it('records nothing when the bus does not take a revocation, so the command can run again', async () => {
    expect(
      (await fleet('mirror', 'add', 'fleet-f', '--store', 'store-1', '--out', join(out, 'f'))).code,
    ).toBe(0);
    const before = await listed();
    const away = { ...env, NATS_URL: 'nats://127.0.0.1:1' };
    const revoke = await fleetWith(away, 'mirror', 'revoke', 'fleet-f');
    const again = await fleetWith(
      away,
      'mirror',
      'add',
      'fleet-f',
      '--store',
      'store-1',
      '--out',
      join(out, 'f2'),
    );
    for (const result of [revoke, again]) {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/could not push the revocation .* run the same command again/);
    }
    expect(await listed()).toBe(before);
    expect((await fleet('mirror', 'revoke', 'fleet-f')).code).toBe(0);
    await refused('fleet-f', readFileSync(join(out, 'f'), 'utf8'));
  }, 30_000);

  it('asks for migrations first on a database that lacks them', async () => {
    const bare = await createTestDatabase();
    try {
      const result = await fleetWith({ ...env, DATABASE_URL: bare.url }, 'mirror', 'list');
      expect(result).toMatchObject({ code: 1, stderr: expect.stringMatching(/run migrations first/) });
    } finally {
      await bare.drop();
    }
  });

  it('runs as `npm run fleet` with the exit code of a usage error', () => {
    const root = resolve(__dirname, '../../..');
    const run = spawnSync(
      process.execPath,
      ['-r', './scripts/register-ts.js', 'services/binding/src/fleet.ts'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
      },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/mirror add <mirrorId> --store <storeId>/);
  }, 30_000);
});
