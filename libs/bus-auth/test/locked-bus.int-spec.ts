import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTH_FILES, BusAuthority, busNamespace, connectWithCreds, revokeUser } from '@mirror/bus-auth';
import { decode, encodeAccount, fromSeed, type Account } from '@nats-io/jwt';
import { runCli } from '../src/cli';
import { FramePartitions } from '@mirror/contracts';
import { waitFor } from '@mirror/testing';
import { LockedBus, type Client } from './locked-bus.support';

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

describe('a locked bus', () => {
  let bus: LockedBus;
  let observer: Client;
  let ns: string;
  const stream = (name: string) => bus.names.stream(name);
  const subject = (s: string) => bus.names.subject(s);

  beforeAll(async () => {
    bus = await LockedBus.start();
    ns = bus.ns;
    observer = await bus.observer();
  });
  afterAll(() => bus.stop());

  it('refuses a client without credentials, or with credentials of another authority', async () => {
    await expect(connect({ servers: bus.server.url, reconnect: false })).rejects.toThrow(/authorization/i);
    const elsewhere = mkdtempSync(join(tmpdir(), 'bus-auth-foreign-'));
    try {
      const foreign = await (await BusAuthority.init(elsewhere)).issueMirror('m-1', { namespace: ns });
      await expect(
        connectWithCreds({ servers: bus.server.url, creds: foreign.creds, inboxPrefix: foreign.inboxPrefix }),
      ).rejects.toThrow(/authorization/i);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('lets a mirror publish its frames and photos and read its display, gestures and control', async () => {
    const [vision, photoStore, qr, mirror] = [
      await bus.service('session-vision'),
      await bus.service('photo-store'),
      await bus.service('qr-issuer'),
      await bus.mirror('m-1'),
    ];
    for (const s of ['PHOTOS_IN', 'PHOTOS', 'DLQ'] as const) await bus.ensureStream(photoStore, s);
    await bus.ensureStream(photoStore, 'PHOTOS_IN'); // a second start updates
    await bus.ensureConsumer(photoStore, 'PHOTOS_IN', 'photo-store-photos', 'mirror.*.photo');
    const frames = vision.collect(subject(FramePartitions.all));
    const screen = ['display', 'gesture', 'control'].map((c) => mirror.collect(subject(`mirror.m-1.${c}`)));
    await Promise.all([vision.nc.flush(), mirror.nc.flush()]);

    mirror.nc.publish(subject('mirror.m-1.frame'), 'jpeg');
    const ack = await jetstream(mirror.nc).publish(subject('mirror.m-1.photo'), 'photo', { msgID: 'p-1' });
    expect(ack.stream).toBe(stream('PHOTOS_IN'));

    const consumer = await jetstream(photoStore.nc).consumers.get(stream('PHOTOS_IN'), 'photo-store-photos');
    const photo = await consumer.next({ expires: 5000 });
    expect(photo?.subject).toBe(subject('mirror.m-1.photo'));
    expect(await photo?.ackAck()).toBe(true);
    const kv = await new Kvm(photoStore.nc).create(stream('PHOTO_RECENT'), { ttl: 60000, history: 1 });
    await kv.create('m-1.abc', 'p-1');
    expect((await kv.get('m-1.abc'))?.string()).toBe('p-1');

    qr.nc.publish(subject('mirror.m-1.display'), '{"kind":"idle"}');
    vision.nc.publish(subject('mirror.m-1.gesture'), '{"gesture":"thumbs_up"}');
    vision.nc.publish(subject('mirror.m-1.control'), '{"fps":5}');
    await waitFor(() => frames.messages.length === 1 && screen.every((s) => s.messages.length === 1), 5000);
    // delivered where the server's mapping puts it: the partition FramePartitions.of computes
    expect(frames.messages[0].subject).toBe(subject(`vision.frame.${FramePartitions.of('m-1')}.m-1`));
    for (const c of [mirror, vision, photoStore, qr]) expect(c.violations('publish')).toEqual([]);
  });

  it.each([
    ['with a namespace', () => ns],
    ['without one (production)', () => ''],
  ])("maps mirrors' frames to the partition FramePartitions.of computes, %s", async (_case, namespace) => {
    const names = busNamespace(namespace());
    const vision = await bus.connect(
      await bus.authority.issueService('session-vision', { namespace: names.prefix }),
    );
    const frames = vision.collect(names.subject(FramePartitions.all));
    await vision.nc.flush();
    const ids = Array.from({ length: 24 }, (_, i) => `pm-${i * 7919}`);
    // credentials first (signing is CPU work), then one connection at a time: a client busy signing
    // while the server waits for its CONNECT would hit the server's authentication timeout
    const credentials = await Promise.all(
      ids.map((id) => bus.authority.issueMirror(id, { namespace: names.prefix })),
    );
    for (const [i, credential] of credentials.entries()) {
      const mirror = await bus.connect(credential);
      mirror.nc.publish(names.subject(`mirror.${ids[i]}.frame`), 'jpeg');
      await mirror.nc.flush();
    }
    await waitFor(() => frames.messages.length === ids.length, 5000);
    const expected = ids.map((id) => names.subject(`vision.frame.${FramePartitions.of(id)}.${id}`));
    expect(frames.messages.map((m) => m.subject).sort()).toEqual(expected.sort());
    expect(new Set(ids.map((id) => FramePartitions.of(id))).size).toBeGreaterThan(8);
  });

  it('refuses a mirror anything but its own subjects, and delivers and stores none of it', async () => {
    const mirror = await bus.mirror('m-1');
    const other = await bus.mirror('m-2');
    for (const s of ['SESSIONS', 'WECHAT'] as const) await bus.ensureStream(observer, s);
    const seen = observer.collect(`${ns}.>`);
    await observer.nc.flush();
    const jsm = await jetstreamManager(observer.nc);
    const before = (await jsm.streams.info(stream('PHOTOS_IN'))).state.messages;

    const forbidden = [
      subject('mirror.m-2.frame'),
      subject(`vision.frame.${FramePartitions.of('m-2')}.m-2`),
      subject('mirror.m-2.photo'),
      subject('mirror.m-2.display'),
      subject('wechat.qr.scanned'),
      subject('session.ended'),
    ];
    for (const s of forbidden) mirror.nc.publish(s, 'x');
    const requests = [
      subject('binding.gallery.get'),
      subject('photo.delete'),
      `$JS.API.STREAM.DELETE.${stream('PHOTOS_IN')}`,
      `$JS.API.STREAM.INFO.${stream('PHOTOS_IN')}`,
      `$JS.API.STREAM.MSG.GET.${stream('PHOTOS_IN')}`,
      `$JS.API.CONSUMER.CREATE.${stream('PHOTOS_IN')}.spy.${subject('mirror.*.photo')}`,
      `$JS.API.CONSUMER.DURABLE.CREATE.${stream('PHOTOS_IN')}.spy`,
      `$JS.API.CONSUMER.MSG.NEXT.${stream('PHOTOS_IN')}.photo-store-photos`,
    ];
    for (const s of requests) {
      await expect(mirror.nc.request(s, '{}', { timeout: 2000 })).rejects.toThrow(/permissions violation/i);
    }
    await expect(jetstream(mirror.nc).publish(subject('mirror.m-2.photo'), 'x')).rejects.toThrow(
      /permission/i,
    );
    await expect(jetstreamManager(mirror.nc)).rejects.toThrow(/permissions violation/i);

    const spying = [
      subject('mirror.m-2.display'),
      subject('mirror.m-2.gesture'),
      subject('mirror.*.frame'),
      subject(FramePartitions.all),
      subject('mirror.*.display'),
      subject('wechat.>'),
      `_INBOX_${ns}_m-2.>`,
      '>',
    ];
    const subs = spying.map((s) => mirror.nc.subscribe(s));
    for (const sub of subs) expect(String(await sub.closed)).toMatch(/permissions violation/i);
    const received = mirror.nc.stats().inMsgs;
    other.nc.publish(subject('mirror.m-2.frame'), 'own');
    observer.nc.publish(subject('mirror.m-2.display'), '{}');
    observer.nc.publish(subject('mirror.m-2.gesture'), '{}');
    await waitFor(() => seen.messages.length >= 3, 5000);
    await settle();

    // the server checks (and names) a mapped subject after the mapping: m-2's frames are its partition's
    const mapped = (s: string) =>
      s === subject('mirror.m-2.frame') ? subject(`vision.frame.${FramePartitions.of('m-2')}.m-2`) : s;
    expect(mirror.refusedPublishes()).toEqual(
      expect.arrayContaining([...forbidden.map(mapped), ...requests]),
    );
    expect(mirror.violations('subscription')).toEqual(expect.arrayContaining(spying));
    expect(mirror.nc.stats().inMsgs).toBe(received);
    const mirrorSent = seen.messages.filter((m) => m.data === 'x');
    expect(mirrorSent).toEqual([]);
    expect((await jsm.streams.info(stream('PHOTOS_IN'))).state.messages).toBe(before);
    const consumers = [];
    for await (const c of jsm.consumers.list(stream('PHOTOS_IN'))) consumers.push(c.name);
    expect(consumers).toEqual(['photo-store-photos']);
    seen.subscription.unsubscribe();
  });

  it('refuses a service what its row of the table does not grant', async () => {
    const gateway = await bus.service('wechat-gateway');
    const binding = await bus.service('binding');
    await bus.ensureStream(gateway, 'WECHAT');
    for (const s of ['SESSIONS', 'WECHAT', 'DLQ'] as const) await bus.ensureStream(binding, s);
    await bus.ensureConsumer(binding, 'WECHAT', 'binding-qr-scanned', 'wechat.qr.scanned');
    binding.nc.subscribe(subject('binding.gallery.get'), {
      queue: 'binding.gallery.get',
      callback: (_err, msg) => {
        msg.respond('{"ok":true}');
      },
    });
    await binding.nc.flush();

    const scanned = await jetstream(gateway.nc).publish(subject('wechat.qr.scanned'), '{}', { msgID: 'e-1' });
    expect(scanned.stream).toBe(stream('WECHAT'));
    const consumer = await jetstream(binding.nc).consumers.get(stream('WECHAT'), 'binding-qr-scanned');
    expect(await (await consumer.next({ expires: 5000 }))?.ackAck()).toBe(true);
    const answer = await gateway.nc.request(subject('binding.gallery.get'), '{}', { timeout: 2000 });
    expect(answer.string()).toBe('{"ok":true}');

    gateway.nc.publish(subject('session.ended'), 'x');
    binding.nc.publish(subject('wechat.qr.scanned'), 'x');
    await expect(jetstream(binding.nc).publish(subject('wechat.qr.scanned'), 'x')).rejects.toThrow(
      /permission/i,
    );
    for (const s of [
      `$JS.API.STREAM.DELETE.${stream('WECHAT')}`,
      `$JS.API.CONSUMER.CREATE.${stream('WECHAT')}.wechat-gateway-spy`,
      `$JS.API.STREAM.CREATE.${stream('SESSIONS')}`,
    ]) {
      await expect(gateway.nc.request(s, '{}', { timeout: 2000 })).rejects.toThrow(/permissions violation/i);
    }
    expect(String(await gateway.nc.subscribe(subject('wechat.qr.scanned')).closed)).toMatch(/violation/i);
    await expect(
      binding.nc.request(`$JS.API.CONSUMER.DELETE.${stream('WECHAT')}.binding-qr-scanned`, '{}'),
    ).rejects.toThrow(/permissions violation/i);
    await settle();

    expect(gateway.refusedPublishes()).toContain(subject('session.ended'));
    expect(binding.refusedPublishes()).toContain(subject('wechat.qr.scanned'));
    const jsm = await jetstreamManager(observer.nc);
    expect((await jsm.streams.info(stream('WECHAT'))).state.messages).toBe(1);
    expect((await jsm.streams.info(stream('SESSIONS'))).state.messages).toBe(0);
  });

  it('cuts a revoked mirror off within seconds, keeps the others flowing, and takes a new credential', async () => {
    const vision = await bus.service('session-vision');
    const frames = vision.collect(subject(FramePartitions.all));
    await vision.nc.flush();
    const reconnecting = { maxReconnectAttempts: -1, reconnectTimeWait: 200, reconnectJitter: 0 };
    const revokedCredential = await bus.authority.issueMirror('m-5', { namespace: ns });
    const revoked = await bus.connect(revokedCredential, reconnecting);
    const kept = await bus.mirror('m-6', reconnecting);
    const from = (id: string) =>
      frames.messages.filter((m) => m.subject === subject(`vision.frame.${FramePartitions.of(id)}.${id}`))
        .length;
    const timer = setInterval(() => {
      for (const [c, id] of [
        [revoked, 'm-5'],
        [kept, 'm-6'],
      ] as const) {
        if (!c.nc.isClosed()) c.nc.publish(subject(`mirror.${id}.frame`), 'jpeg');
      }
    }, 100);
    try {
      await waitFor(() => from('m-5') > 0 && from('m-6') > 0, 5000);

      const started = Date.now();
      await revokeUser(bus.authority, revokedCredential.publicKey, { servers: bus.server.url });
      await waitFor(() => revoked.saw('disconnect') || revoked.nc.isClosed(), 5000);
      expect(Date.now() - started).toBeLessThan(5000);
      await settle(200);
      const [m5, m6] = [from('m-5'), from('m-6')];
      await settle(3000); // ~15 reconnection attempts
      expect(revoked.saw('reconnect')).toBe(false);
      expect(from('m-5')).toBe(m5);
      expect(from('m-6')).toBeGreaterThan(m6 + 10);
      await expect(
        connectWithCreds({
          servers: bus.server.url,
          creds: revokedCredential.creds,
          inboxPrefix: revokedCredential.inboxPrefix,
        }),
      ).rejects.toThrow(/authorization/i);

      const again = await bus.mirror('m-5');
      again.nc.publish(subject('mirror.m-5.frame'), 'jpeg');
      await waitFor(() => from('m-5') > m5, 5000);
    } finally {
      clearInterval(timer);
    }
    expect(Object.keys(bus.authority.revocations())).toContain(revokedCredential.publicKey);
    expect(readFileSync(bus.authority.serverConfigPath, 'utf8')).toContain(bus.authority.appAccountJwt);
  });

  it('takes new subject mappings without a restart: init adds them, push applies them', async () => {
    const observed = observer.collect(`${ns}.>`);
    const mirror = await bus.mirror('m-up');
    await observer.nc.flush();
    // the account as an authority made before the frames were partitioned signed it, pushed to the server
    const claims = decode<Account>(bus.authority.appAccountJwt);
    const old = { ...claims.nats } as Partial<Account> & { mappings?: unknown };
    for (const k of ['mappings', 'type', 'version'] as const) delete (old as Record<string, unknown>)[k];
    const signer = fromSeed(
      Buffer.from(readFileSync(join(bus.dir, AUTH_FILES.operatorSigningSeed), 'utf8').trim()),
    );
    const unmapped = await encodeAccount(claims.name, bus.authority.appAccountPublicKey, old, { signer });
    writeFileSync(join(bus.dir, AUTH_FILES.appAccountJwt), unmapped + '\n');
    const lines: string[] = [];
    const cli = (args: string[]) => runCli(args, (l) => lines.push(l), { NATS_URL: bus.server.url });
    expect(await cli(['push', bus.dir])).toBe(0);
    mirror.nc.publish(subject('mirror.m-up.frame'), 'before');
    await waitFor(() => observed.messages.some((m) => m.data === 'before'), 5000);
    expect(observed.messages.find((m) => m.data === 'before')?.subject).toBe(subject('mirror.m-up.frame'));

    expect(await cli(['init', bus.dir])).toBe(0);
    expect(await cli(['push', bus.dir])).toBe(0);
    mirror.nc.publish(subject('mirror.m-up.frame'), 'after');
    await waitFor(() => observed.messages.some((m) => m.data === 'after'), 5000);
    expect(observed.messages.find((m) => m.data === 'after')?.subject).toBe(
      subject(`vision.frame.${FramePartitions.of('m-up')}.m-up`),
    );
    expect(lines.join('\n')).toMatch(/pushed the application account/);
  });
});
