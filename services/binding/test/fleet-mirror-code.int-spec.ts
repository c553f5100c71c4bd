import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import jsQR from 'jsqr';
import sharp from 'sharp';
import {
  createTestDatabase,
  deleteNamespaceStreams,
  serviceNatsEnv,
  testEnv,
  testLogger,
  uniqueName,
  waitFor,
} from '@mirror/testing';
import { startSandbox, type WeChatSandbox } from '@mirror/wechat-sandbox';
import { createDataSource } from '../src/database/data-source';
import { applyMigrations } from '../src/database/migration-runner';
import { runFleet } from '../src/fleet';

const ROOT = resolve(__dirname, '..', '..', '..');
const STORE = 'print-store-1';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** What a phone camera reads from a PNG or SVG. */
async function decode(image: Buffer): Promise<string | null> {
  const { data, info } = await sharp(image, { density: 150 })
    .flatten({ background: '#ffffff' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data), info.width, info.height)?.data ?? null;
}

/**
 * `npm run fleet -- mirror code`: the command's code path (runFleet) against a migrated database, the project's
 * locked bus (a registrar credential minted from its authority), qr-issuer as an OS process of its own and the
 * WeChat sandbox.
 */
describe('fleet: mirror code', () => {
  const ns = uniqueName('code');
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let sandbox: WeChatSandbox;
  let qrIssuer: ChildProcess;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const fleet = async (...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runFleet(args, {
      env,
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
    });
    return { code, stdout, stderr };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const dataSource = createDataSource({ url: database.url, poolSize: 2 });
    await dataSource.initialize();
    await applyMigrations(dataSource, testLogger());
    await dataSource.query(`INSERT INTO stores (id) VALUES ($1)`, [STORE]);
    await dataSource.query(
      `INSERT INTO mirrors (id, first_seen_at, last_seen_at, store_id, nats_user_key, registered_at)
       VALUES ('print-mirror-1', now(), now(), $1, 'UKEY', now()),
              ('print-mirror-2', now(), now(), $1, 'UKEY', now()),
              ('seen-only', now(), now(), NULL, NULL, NULL)`,
      [STORE],
    );
    await dataSource.destroy();
    sandbox = await startSandbox({ port: 0 });
    const port = await freePort();
    qrIssuer = spawn(process.execPath, ['-r', './scripts/register-ts.js', 'services/qr-issuer/src/main.ts'], {
      cwd: ROOT,
      stdio: 'ignore',
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        LOG_LEVEL: 'silent',
        NATS_URL: testEnv.natsUrl(),
        NATS_NAMESPACE: ns,
        ...(await serviceNatsEnv('qr-issuer', ns)),
        REDIS_URL: testEnv.redisUrl(),
        REDIS_KEY_PREFIX: `${ns}:`,
        WECHAT_APP_ID: sandbox.appId,
        WECHAT_APP_SECRET: sandbox.appSecret,
        WECHAT_API_BASE: sandbox.url,
        WECHAT_MP_BASE: sandbox.url,
        WECHAT_OPEN_BASE: sandbox.url,
      },
    });
    await waitFor(
      () =>
        fetch(`http://127.0.0.1:${port}/readyz`)
          .then((r) => r.ok)
          .catch(() => false),
      60_000,
      200,
    );
    dir = mkdtempSync(join(tmpdir(), 'mirror-code-'));
    env = {
      DATABASE_URL: database.url,
      NATS_URL: testEnv.natsUrl(),
      NATS_NAMESPACE: ns,
      FLEET_AUTHORITY_DIR: process.env.NATS_AUTH_DIR,
    };
  }, 90_000);

  afterAll(async () => {
    qrIssuer?.kill('SIGTERM');
    await sandbox?.close();
    await database?.drop();
    await deleteNamespaceStreams(ns).catch(() => undefined);
    const redis = new Redis(testEnv.redisUrl());
    const keys = await redis.keys(`${ns}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("writes the mirror's permanent code as PNG and SVG at print size, the same code every time", async () => {
    const png = join(dir, 'mirror-1.png');
    const svg = join(dir, 'mirror-1.svg');
    const first = await fleet(
      'mirror',
      'code',
      'print-mirror-1',
      '--png',
      png,
      '--svg',
      svg,
      '--size',
      '300',
    );
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('scene m:print-mirror-1');
    const [issued] = sandbox.ticketList().filter((t) => t.scene === 'm:print-mirror-1');
    expect(issued).toMatchObject({ kind: 'QR_LIMIT_STR_SCENE', expiresAt: null });
    expect(first.stdout).toContain(issued!.url);

    const image = readFileSync(png);
    expect(image.readUInt32BE(16)).toBe(300); // PNG width
    expect(await decode(image)).toBe(issued!.url);
    expect(readFileSync(svg, 'utf8')).toContain('width="300"');
    expect(await decode(readFileSync(svg))).toBe(issued!.url);

    const creates = sandbox.count('/cgi-bin/qrcode/create');
    const again = await fleet('mirror', 'code', 'print-mirror-1', '--png', png, '--size', '256');
    expect(again.code).toBe(0);
    expect(sandbox.count('/cgi-bin/qrcode/create')).toBe(creates);
    expect(await decode(readFileSync(png))).toBe(issued!.url);
    // another mirror, another code
    expect((await fleet('mirror', 'code', 'print-mirror-2')).stdout).toContain('scene m:print-mirror-2');
    expect(sandbox.count('/cgi-bin/qrcode/create')).toBe(creates + 1);
  });

  it('refuses a mirror that is not registered, a bad size and a missing folder, asking nothing of WeChat', async () => {
    const creates = sandbox.count('/cgi-bin/qrcode/create');
    for (const [args, message] of [
      [['mirror', 'code', 'seen-only'], /mirror seen-only is not registered/],
      [['mirror', 'code', 'nobody'], /mirror nobody is not registered/],
      [['mirror', 'code', 'print-mirror-1', '--size', '100'], /--size 100 is not a print size/],
      [['mirror', 'code', 'print-mirror-1', '--png', '/no/such/dir/x.png'], /the folder \/no\/such\/dir/],
      [['mirror', 'code', 'x'.repeat(63)], /exceed WeChat's 64 characters/],
    ] as const) {
      const result = await fleet(...args);
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(message);
    }
    expect(sandbox.count('/cgi-bin/qrcode/create')).toBe(creates);
  });

  it('says so, and writes nothing, when qr-issuer does not answer', async () => {
    const png = join(dir, 'never.png');
    const result = await fleet('mirror', 'code', 'print-mirror-1', '--png', png, '--size', '256');
    expect(result.code).toBe(0); // still answering: the next step stops it
    qrIssuer.kill('SIGTERM');
    await new Promise((r) => qrIssuer.once('exit', r));
    rmSync(png);
    const started = Date.now();
    const down = await fleet('mirror', 'code', 'print-mirror-1', '--png', png, '--size', '256');
    expect(down).toMatchObject({ code: 1, stdout: '' });
    expect(down.stderr).toMatch(/could not get the permanent code of mirror print-mirror-1 from qr-issuer/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(() => readFileSync(png)).toThrow();
  }, 30_000);
});
