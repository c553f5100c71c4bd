import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { parseCreds } from '@nats-io/jwt';
import { BusAuthority, busNamespace, connectWithCreds } from '@mirror/bus-auth';
import { ManualClock } from '@mirror/platform';
import { LocalNatsServer, uniqueName, waitFor } from '@mirror/testing';
import { BusMirrorCredentials } from '../src/fleet/bus-mirror-credentials';
import { InvalidIdError, UnknownMirrorError } from '../src/fleet/fleet.errors';
import { FleetService } from '../src/fleet/fleet.service';
import { MirrorRegistryRepository } from '../src/fleet/mirror-registry.repository';
import { migratedDatabase } from './support/database';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(FleetService.name, () => {
  const ns = uniqueName('flt');
  const names = busNamespace(ns);
  let dir: string;
  let authority: BusAuthority;
  let server: LocalNatsServer;
  let database: Awaited<ReturnType<typeof migratedDatabase>>;
  let sut: FleetService;
  let vision: NatsConnection;
  const open: NatsConnection[] = [];

  beforeAll(async () => {
    // a fresh authority and a private locked server: revocations never touch the shared bus
    dir = mkdtempSync(join(tmpdir(), 'fleet-authority-'));
    authority = await BusAuthority.init(dir);
    server = await LocalNatsServer.start({ include: authority.serverConfig(join(dir, 'resolver')) });
    database = await migratedDatabase();
    const credentials = await BusMirrorCredentials.open(dir, server.url, ns);
    sut = new FleetService(
      new MirrorRegistryRepository(database.db),
      database.db,
      new ManualClock(),
      credentials,
    );
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
  });

  /** Connects as the mirror with the `.creds` text the fleet command wrote, retrying reconnections quickly. */
  async function connectMirror(mirrorId: string, creds: string): Promise<NatsConnection> {
    const nc = await connectWithCreds({
      servers: server.url,
      creds,
      inboxPrefix: `_INBOX_${ns}_${mirrorId}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 200,
      reconnectJitter: 0,
    });
    open.push(nc);
    return nc;
  }

  it('registers mirrors to a store, cuts a revoked one off within seconds while the other flows, and re-registers it', async () => {
    const frames: string[] = [];
    vision.subscribe(names.subject('mirror.*.frame'), { callback: (_e, m) => void frames.push(m.subject) });
    await vision.flush();
    const a = await sut.register('fleet-a', 'store-1');
    const b = await sut.register('fleet-b', 'store-1');
    expect(a.replaced).toBe(false);
    const mirrorA = await connectMirror('fleet-a', a.creds);
    const mirrorB = await connectMirror('fleet-b', b.creds);
    let disconnected = false;
    void (async () => {
      for await (const s of mirrorA.status()) if (s.type === 'disconnect') disconnected = true;
    })();
    const from = (id: string) => frames.filter((s) => s === names.subject(`mirror.${id}.frame`)).length;
    const timer = setInterval(() => {
      for (const [nc, id] of [
        [mirrorA, 'fleet-a'],
        [mirrorB, 'fleet-b'],
      ] as const)
        if (!nc.isClosed()) nc.publish(names.subject(`mirror.${id}.frame`), 'jpeg');
    }, 100);
    try {
      await waitFor(() => from('fleet-a') > 0 && from('fleet-b') > 0, 5000);
      expect((await sut.list('store-1')).map((m) => [m.id, m.storeId, m.revokedAt])).toEqual([
        ['fleet-a', 'store-1', null],
        ['fleet-b', 'store-1', null],
      ]);

      const started = Date.now();
      const revoked = await sut.revoke('fleet-a');
      await waitFor(() => disconnected || mirrorA.isClosed(), 5000);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(revoked.revokedAt).toBeInstanceOf(Date);
      await settle(200);
      const [aFrames, bFrames] = [from('fleet-a'), from('fleet-b')];
      await settle(2000);
      expect(from('fleet-a')).toBe(aFrames);
      expect(from('fleet-b')).toBeGreaterThan(bFrames + 5);
      await expect(
        connectWithCreds({ servers: server.url, creds: a.creds, inboxPrefix: `_INBOX_${ns}_fleet-a` }),
      ).rejects.toThrow(/authorization/i);

      const again = await sut.register('fleet-a', 'store-2');
      expect(again.replaced).toBe(true);
      const userKey = async (creds: string) => (await parseCreds(new TextEncoder().encode(creds))).uc.sub;
      expect(await userKey(again.creds)).not.toBe(await userKey(a.creds));
      const renewed = await connectMirror('fleet-a', again.creds);
      const before = from('fleet-a');
      renewed.publish(names.subject('mirror.fleet-a.frame'), 'jpeg');
      await waitFor(() => from('fleet-a') > before, 5000);
      expect((await sut.list('store-2')).map((m) => [m.id, m.revokedAt])).toEqual([['fleet-a', null]]);
    } finally {
      clearInterval(timer);
    }
  }, 60_000);

  it('refuses bad ids and unknown mirrors with a clear error, changing nothing', async () => {
    const count = async () => (await sut.list()).length;
    const before = await count();
    await expect(sut.register('Not_A_Mirror', 'store-1')).rejects.toBeInstanceOf(InvalidIdError);
    await expect(sut.register('fleet-c', 'Store 1')).rejects.toBeInstanceOf(InvalidIdError);
    await expect(sut.revoke('fleet-unknown')).rejects.toBeInstanceOf(UnknownMirrorError);
    expect(await count()).toBe(before);
  });
});
