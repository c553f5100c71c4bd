import Redis from 'ioredis';
import { ulid } from 'ulid';
import {
  Events,
  MirrorSubjects,
  ReplyCodes,
  Requests,
  decode,
  mirrorDisplay,
  type QrIssueRequest,
  type QrIssueResponse,
  type QrIssued,
} from '@mirror/contracts';
import { NatsClient, RequestRefusedError } from '@mirror/nats';
import {
  LocalRedisServer,
  deleteNamespaceStreams,
  testEnv,
  testLogger,
  uniqueName,
  waitFor,
  serviceNatsEnv,
  testNatsAuth,
} from '@mirror/testing';
import { startSandbox, type WeChatSandbox } from '@mirror/wechat-sandbox';
import { load, loadWhile } from './support/load';
import { decodeQr, signedPath } from './support/qr-image';
import { startReplicas, total, type QrIssuerReplica } from './support/qr-issuer.replica';

const SECRET = 'qr-issuer-integration-secret-0123';
const IMAGE_KEY = 'qr-image-integration-signing-key';
const EXPIRE_SECONDS = 3600;
// shorter than the code, so a link can expire while its code is still live
const LINK_TTL_SECONDS = 600;
const IMAGE_BASE_URL = 'http://qr-issuer.test:3001';
const ISSUE_TIMEOUT_MS = 30_000;

async function serviceEnv(
  ns: string,
  redisUrl: string,
  sandbox: WeChatSandbox,
): Promise<Record<string, string>> {
  return {
    NATS_URL: testEnv.natsUrl(),
    NATS_NAMESPACE: ns,
    ...(await serviceNatsEnv('qr-issuer', ns)),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `${ns}:`,
    WECHAT_APP_ID: sandbox.appId,
    WECHAT_APP_SECRET: SECRET,
    WECHAT_API_BASE: sandbox.url,
    WECHAT_MP_BASE: sandbox.url,
    WECHAT_OPEN_BASE: sandbox.url,
    // The sandbox, the replicas and the load share this process's one event loop: a burst of 1,000
    // calls queues behind itself for seconds, which a WeChat call on a server of its own never does.
    WECHAT_TIMEOUT_MS: '20000',
    QR_EXPIRE_SECONDS: String(EXPIRE_SECONDS),
    QR_IMAGE_BASE_URL: IMAGE_BASE_URL,
    QR_IMAGE_SIGNING_SECRET: IMAGE_KEY,
    QR_IMAGE_URL_TTL_SECONDS: String(LINK_TTL_SECONDS),
  };
}

/**
 * The i-th request of a load: the four kinds in turn, each scene different (a permanent scene asked for again
 * is answered from the store, without WeChat: loads that count WeChat's calls use scenes of their own).
 */
function anyKind(i: number): QrIssueRequest {
  switch (i % 4) {
    case 0:
      return { v: 1, kind: 'QR_SCENE', sceneId: 1 + i, expireSeconds: 600 };
    case 1:
      return { v: 1, kind: 'QR_STR_SCENE', sceneStr: `load-${i}`, expireSeconds: 600 };
    case 2:
      return { v: 1, kind: 'QR_LIMIT_SCENE', sceneId: 1 + (i % 100_000) };
    default:
      return { v: 1, kind: 'QR_LIMIT_STR_SCENE', sceneStr: `mirror-${i}` };
  }
}

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}

/** Every `qr.issued` the namespace's QR stream holds, oldest first. */
async function issuedEvents(bus: NatsClient): Promise<QrIssued[]> {
  const stream = bus.ns.stream('QR');
  const { state } = await bus.jsm.streams.info(stream);
  const out: QrIssued[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const m = await bus.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (m) out.push(decode(Events.qrIssued, m.data));
  }
  return out;
}

describe('qr-issuer (3 replicas, WeChat = the sandbox)', () => {
  const ns = uniqueName('qri');
  const redisUrl = testEnv.redisUrl();
  let sandbox: WeChatSandbox;
  let replicas: QrIssuerReplica[];
  let bus: NatsClient;

  const issue = (request: QrIssueRequest) =>
    bus.request(Requests.qrIssue, request, { timeoutMs: ISSUE_TIMEOUT_MS });

  beforeAll(async () => {
    sandbox = await startSandbox({ appSecret: SECRET });
    replicas = await startReplicas(3, await serviceEnv(ns, redisUrl, sandbox));
    bus = await NatsClient.connect({
      ...(await testNatsAuth()),
      servers: testEnv.natsUrl(),
      name: 'qr-test',
      namespace: ns,
      logger: testLogger(),
    });
  });

  afterAll(async () => {
    await bus?.drain();
    await Promise.all((replicas ?? []).map((r) => r.close()));
    await sandbox?.close();
    await deleteNamespaceStreams(ns);
    await deleteKeys(redisUrl, `${ns}:`);
  });

  it('serves 1,000 concurrent requests on a cold cache with exactly one token request', async () => {
    const before = await total(replicas, 'wechat_token_refreshes_total');
    const results = await Promise.allSettled(Array.from({ length: 1000 }, (_, i) => issue(anyKind(i))));

    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed).toEqual([]);
    expect(sandbox.count('/cgi-bin/token')).toBe(1);
    expect(sandbox.count('/cgi-bin/qrcode/create')).toBe(1000);
    expect(await total(replicas, 'wechat_token_refreshes_total')).toBe(before + 1);
    const tickets = results.map((r) => (r as PromiseFulfilledResult<QrIssueResponse>).value.ticket);
    expect(new Set(tickets).size).toBe(1000);
    // every replica took its share of the queue group
    for (const replica of replicas)
      expect(await replica.metric('qr_tickets_issued_total')).toBeGreaterThan(0);
  });

  it('refreshes the token exactly once when WeChat rotates it mid-load, failing no request', async () => {
    await issue(anyKind(0)); // a warm cache: the only refresh counted below is the one the rotation causes
    const tokensBefore = sandbox.count('/cgi-bin/token');
    const rejectionsBefore = total(replicas, 'wechat_token_rejections_total');
    const createsBefore = sandbox.count('/cgi-bin/qrcode/create');
    const rejectedBefore = sandbox.count('/cgi-bin/qrcode/create', 40001);
    sandbox.setLatency('/cgi-bin/qrcode/create', 5);
    const rotated = waitFor(
      () => sandbox.count('/cgi-bin/qrcode/create') >= createsBefore + 200,
      20_000,
      2,
    ).then(() => sandbox.rotateToken(0));
    const outcomes = await load(600, 60, (i) => issue(anyKind(1000 + i)));
    await rotated;
    sandbox.setLatency('/cgi-bin/qrcode/create', 0);

    expect(outcomes.filter((o) => !o.ok).map((o) => String(o.error))).toEqual([]);
    expect(sandbox.count('/cgi-bin/token') - tokensBefore).toBe(1);
    const rejected = sandbox.count('/cgi-bin/qrcode/create', 40001) - rejectedBefore;
    expect(rejected).toBeGreaterThan(0); // the rotation really hit calls in flight
    expect(sandbox.count('/cgi-bin/qrcode/create') - createsBefore).toBe(600 + rejected);
    expect(await total(replicas, 'wechat_token_rejections_total')).toBe(rejected + (await rejectionsBefore));
  });

  it('answers all four kinds with the ticket, the URL to render and the showqrcode URL', async () => {
    const temporaryInt = await issue({ v: 1, kind: 'QR_SCENE', sceneId: -2_147_483_648, expireSeconds: 120 });
    const temporaryStr = await issue({ v: 1, kind: 'QR_STR_SCENE', sceneStr: '店-🪞-' + 'x'.repeat(60) });
    const permanentInt = await issue({ v: 1, kind: 'QR_LIMIT_SCENE', sceneId: 100_000 });
    const permanentStr = await issue({ v: 1, kind: 'QR_LIMIT_STR_SCENE', sceneStr: 'mirror-a' });

    for (const r of [temporaryInt, temporaryStr, permanentInt, permanentStr]) {
      expect(r.showUrl).toBe(`${sandbox.url}/cgi-bin/showqrcode?ticket=${encodeURIComponent(r.ticket)}`);
      expect(r.ticket).toMatch(/[+/=]/); // so the encoding above really matters
    }
    const shown = await fetch(temporaryStr.showUrl); // WeChat answers 404 to an un-encoded ticket
    expect([shown.status, shown.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(temporaryInt).toMatchObject({ kind: 'QR_SCENE', sceneId: -2_147_483_648 });
    expect(Date.parse(temporaryInt.expiresAt!) - Date.now()).toBeGreaterThan(100_000);
    expect(Date.parse(temporaryInt.expiresAt!) - Date.now()).toBeLessThanOrEqual(120_000);
    // no expireSeconds: QR_EXPIRE_SECONDS is sent, never WeChat's 30-second default
    const sent = sandbox.ticketList().find((t) => t.ticket === temporaryStr.ticket)!;
    expect(sent.expiresAt! - sent.createdAt).toBe(EXPIRE_SECONDS * 1000);
    expect(permanentInt.expiresAt).toBeUndefined();
    expect(permanentStr).toMatchObject({ kind: 'QR_LIMIT_STR_SCENE', sceneStr: 'mirror-a' });
    expect(permanentStr.expiresAt).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a temporary scene_id of 0', { kind: 'QR_SCENE', sceneId: 0 }, 'sceneId'],
    ['a temporary scene_id above 32 bits', { kind: 'QR_SCENE', sceneId: 2 ** 31 }, 'sceneId'],
    ['a temporary scene_id below 32 bits', { kind: 'QR_SCENE', sceneId: -(2 ** 31) - 1 }, 'sceneId'],
    ['a fractional scene_id', { kind: 'QR_SCENE', sceneId: 1.5 }, 'sceneId'],
    ['a temporary code without scene_id', { kind: 'QR_SCENE' }, 'sceneId'],
    ['a permanent scene_id of 0', { kind: 'QR_LIMIT_SCENE', sceneId: 0 }, 'sceneId'],
    ['a permanent scene_id above 100000', { kind: 'QR_LIMIT_SCENE', sceneId: 100_001 }, 'sceneId'],
    ['an empty scene_str', { kind: 'QR_STR_SCENE', sceneStr: '' }, 'sceneStr'],
    ['a 65-character scene_str', { kind: 'QR_STR_SCENE', sceneStr: 'x'.repeat(65) }, 'sceneStr'],
    [
      'a permanent 65-character scene_str',
      { kind: 'QR_LIMIT_STR_SCENE', sceneStr: 'y'.repeat(65) },
      'sceneStr',
    ],
    ['a scene_str on an integer kind', { kind: 'QR_SCENE', sceneId: 7, sceneStr: 'x' }, 'sceneStr'],
    ['a scene_id on a string kind', { kind: 'QR_STR_SCENE', sceneStr: 'x', sceneId: 7 }, 'sceneId'],
    ['expire_seconds of 0', { kind: 'QR_STR_SCENE', sceneStr: 'x', expireSeconds: 0 }, 'expireSeconds'],
    [
      'expire_seconds over 30 days',
      { kind: 'QR_SCENE', sceneId: 1, expireSeconds: 2_592_001 },
      'expireSeconds',
    ],
    [
      'expire_seconds on a permanent code',
      { kind: 'QR_LIMIT_SCENE', sceneId: 1, expireSeconds: 60 },
      'expireSeconds',
    ],
    ['an unknown kind', { kind: 'QR_FOREVER', sceneId: 1 }, 'kind'],
  ])('refuses %s without calling WeChat', async (_, request, field) => {
    const before = sandbox.counts();
    // Sent as raw JSON: a client that skips the contract check gets the same answer.
    const reply = await bus.nc.request(
      bus.ns.subject(Requests.qrIssue.subject),
      Buffer.from(JSON.stringify({ v: 1, ...request })),
      { timeout: ISSUE_TIMEOUT_MS },
    );
    expect(reply.json()).toEqual({
      ok: false,
      error: { code: ReplyCodes.invalidRequest, field, message: expect.stringContaining(field) },
    });
    expect(sandbox.counts()).toEqual(before);
  });

  it("issues a mirror's permanent code once across replicas and serves it for print behind signed links", async () => {
    const creates = sandbox.count('/cgi-bin/qrcode/create');
    const request = { v: 1, kind: 'QR_LIMIT_STR_SCENE', sceneStr: 'm:fitting-print-1' } as const;
    const answers = await Promise.all(Array.from({ length: 12 }, () => issue(request)));
    // racing requests may each have asked WeChat; the first ticket stored is the only one ever handed out
    expect(new Set(answers.map((a) => a.ticket)).size).toBe(1);
    expect(sandbox.count('/cgi-bin/qrcode/create')).toBeGreaterThan(creates);
    const again = await issue(request);
    expect(again.ticket).toBe(answers[0].ticket);
    const afterFirst = sandbox.count('/cgi-bin/qrcode/create');
    await issue(request);
    expect(sandbox.count('/cgi-bin/qrcode/create')).toBe(afterFirst);
    const permanent = sandbox.ticketList().find((t) => t.ticket === again.ticket)!;
    expect([permanent.kind, permanent.scene, permanent.expiresAt]).toEqual([
      'QR_LIMIT_STR_SCENE',
      'm:fitting-print-1',
      null,
    ]);

    const png = new URL(again.images!.png);
    const svg = new URL(again.images!.svg);
    expect(`${png.origin}${png.pathname}`).toBe(`${IMAGE_BASE_URL}/qr/mirrors/fitting-print-1.png`);
    for (const replica of replicas) {
      const image = await fetch(`${replica.url}${png.pathname}${png.search}&size=512`);
      expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/png']);
      expect(image.headers.get('content-disposition')).toBe(
        'attachment; filename="mirror-fitting-print-1.png"',
      );
      const bytes = Buffer.from(await image.arrayBuffer());
      expect(bytes.readUInt32BE(16)).toBe(512); // IHDR width
      expect(await decodeQr(bytes)).toBe(again.url);
      const vector = await fetch(`${replica.url}${svg.pathname}${svg.search}&size=300`);
      expect(vector.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      expect(await decodeQr(Buffer.from(await vector.arrayBuffer()))).toBe(again.url);
    }
    expect(sandbox.count('/cgi-bin/qrcode/create')).toBe(afterFirst);

    // refused before any lookup: no link, another mirror's, the SVG's for the PNG, a session image's
    const refusedBefore = await total(replicas, 'qr_image_refusals_total');
    const other = new URL((await issue({ ...request, sceneStr: 'm:fitting-print-2' })).images!.png);
    const sessionLink = signedPath(ulid(), 'png', IMAGE_KEY);
    for (const path of [
      png.pathname,
      `${png.pathname}${other.search}`,
      `${png.pathname}${svg.search}`,
      `${png.pathname}${sessionLink.slice(sessionLink.indexOf('?'))}`,
    ]) {
      expect((await fetch(replicas[0].url + path)).status).toBe(403);
    }
    expect(await total(replicas, 'qr_image_refusals_total')).toBe(refusedBefore + 4);
    for (const bad of [
      '/qr/mirrors/Fitting.png',
      `${png.pathname}${png.search}&size=99999`,
      '/qr/mirrors/x.gif',
    ]) {
      expect((await fetch(replicas[0].url + bad)).status).toBe(400);
    }
  });

  it('issues a session its string-scene code, announces it, and announces the same ticket on redelivery', async () => {
    const sessionId = ulid();
    const mirrorId = 'fitting-7';
    const shown: unknown[] = [];
    const screen = bus.subscribe(
      MirrorSubjects.of('display', mirrorId),
      (m) => void shown.push(decode(mirrorDisplay, m.data)),
    );
    await bus.nc.flush();
    const createsBefore = sandbox.count('/cgi-bin/qrcode/create');
    const started = { sessionId, mirrorId, at: new Date().toISOString() };

    await bus.publish(Events.sessionStarted, started, { msgID: `${sessionId}.started` });
    await waitFor(() => shown.length === 1, 15_000);
    const issued = await waitFor(
      async () => (await issuedEvents(bus)).filter((e) => e.sessionId === sessionId),
      10_000,
    );
    expect(issued).toHaveLength(1);
    const qr = issued[0];
    expect(qr.mirrorId).toBe(mirrorId);
    expect(qr.scene).toMatch(/^[A-Za-z0-9_-]{16,64}$/); // ≥ 96 random bits, URL-safe
    expect(qr.scene).not.toContain(sessionId);
    expect(Date.parse(qr.expiresAt) - Date.now()).toBeGreaterThan((EXPIRE_SECONDS - 60) * 1000);
    const atWeChat = sandbox.ticketList().find((t) => t.ticket === qr.ticket)!;
    expect(atWeChat).toMatchObject({ kind: 'QR_STR_SCENE', scene: qr.scene, url: qr.url });
    expect(atWeChat.expiresAt! - atWeChat.createdAt).toBe(EXPIRE_SECONDS * 1000);
    expect(shown[0]).toEqual({
      v: 1,
      kind: 'qr',
      sessionId,
      url: qr.url,
      imageUrl: expect.stringMatching(
        new RegExp(`^${IMAGE_BASE_URL}/qr/${sessionId}\\.png\\?exp=\\d+&sig=[A-Za-z0-9_-]{22}$`),
      ),
      expiresAt: qr.expiresAt,
    });
    const exp = Number(new URL((shown[0] as { imageUrl: string }).imageUrl).searchParams.get('exp'));
    expect(exp * 1000 - Date.now()).toBeGreaterThan((LINK_TTL_SECONDS - 60) * 1000);
    expect(exp * 1000 - Date.now()).toBeLessThanOrEqual(LINK_TTL_SECONDS * 1000);

    // The same event delivered again (as JetStream does after a crash before the ack).
    await bus.publish(Events.sessionStarted, started, { msgID: `${sessionId}.redelivered` });
    await waitFor(() => shown.length === 2, 15_000);
    screen.unsubscribe();
    // the same code; its image link is signed afresh (a later `exp` when a second has passed)
    const withoutLink = ({ imageUrl, ...rest }: Record<string, unknown>) => ({ ...rest, link: !!imageUrl });
    expect(withoutLink(shown[1] as Record<string, unknown>)).toEqual(
      withoutLink(shown[0] as Record<string, unknown>),
    );
    expect(sandbox.count('/cgi-bin/qrcode/create') - createsBefore).toBe(1);
    expect(await total(replicas, 'qr_session_replays_total')).toBe(1);
    expect((await issuedEvents(bus)).filter((e) => e.sessionId === sessionId)).toEqual([qr]);
  });

  /** Starts a session on `mirrorId` and returns its `qr.issued` and the path + query of its display `imageUrl`. */
  async function sessionWithImage(mirrorId: string): Promise<{ qr: QrIssued; imagePath: string }> {
    const sessionId = ulid();
    const shown: { imageUrl?: string }[] = [];
    const screen = bus.subscribe(
      MirrorSubjects.of('display', mirrorId),
      (m) => void shown.push(decode(mirrorDisplay, m.data) as { imageUrl?: string }),
    );
    await bus.nc.flush();
    await bus.publish(
      Events.sessionStarted,
      { sessionId, mirrorId, at: new Date().toISOString() },
      { msgID: sessionId },
    );
    await waitFor(() => shown.length === 1, 15_000);
    screen.unsubscribe();
    const qr = await waitFor(
      async () => (await issuedEvents(bus)).find((e) => e.sessionId === sessionId),
      15_000,
    );
    const imageUrl = new URL(shown[0].imageUrl!);
    expect(imageUrl.origin).toBe(IMAGE_BASE_URL);
    return { qr, imagePath: imageUrl.pathname + imageUrl.search };
  }

  it("serves the display message's signed imageUrl as the code's PNG on every replica", async () => {
    const { qr, imagePath } = await sessionWithImage('fitting-8');
    const before = sandbox.counts();

    for (const replica of replicas) {
      const png = await fetch(replica.url + imagePath);
      expect([png.status, png.headers.get('content-type')]).toEqual([200, 'image/png']);
      expect(png.headers.get('cache-control')).toBe('private, max-age=300');
      expect(await decodeQr(Buffer.from(await png.arrayBuffer()))).toBe(qr.url);
      const svg = await fetch(replica.url + signedPath(qr.sessionId, 'svg', IMAGE_KEY));
      expect([svg.status, svg.headers.get('content-type')]).toMatchObject([
        200,
        expect.stringMatching(/^image\/svg\+xml/),
      ]);
      expect(await decodeQr(Buffer.from(await svg.arrayBuffer()))).toBe(qr.url);
    }
    expect(sandbox.counts()).toEqual(before); // rendered locally: no showqrcode, no second ticket

    const info: unknown = await (
      await fetch(replicas[0].url + signedPath(qr.sessionId, 'json', IMAGE_KEY))
    ).json();
    expect(info).toEqual({
      sessionId: qr.sessionId,
      mirrorId: 'fitting-8',
      url: qr.url,
      showUrl: `${sandbox.url}/cgi-bin/showqrcode?ticket=${encodeURIComponent(qr.ticket)}`,
      expiresAt: qr.expiresAt,
    });
  });

  it('refuses an image path without a valid signed link with 403, counted by reason, before any lookup', async () => {
    const { qr, imagePath } = await sessionWithImage('fitting-8');
    const sessionId = qr.sessionId;
    const url = new URL(imagePath, 'http://x');
    const exp = url.searchParams.get('exp')!;
    const sig = url.searchParams.get('sig')!;
    const otherSig = new URL(signedPath(ulid(), 'png', IMAGE_KEY), 'http://x').searchParams.get('sig')!;
    const refusalsBefore = await total(replicas, 'qr_image_refusals_total');
    const refused: [string, string][] = [
      ['no link', `/qr/${sessionId}.png`],
      ['only exp', `/qr/${sessionId}.png?exp=${exp}`],
      ['a wrong sig', `/qr/${sessionId}.png?exp=${exp}&sig=${(sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)}`],
      ['a later exp', `/qr/${sessionId}.png?exp=${Number(exp) + 60}&sig=${sig}`],
      ["another session's sig", `/qr/${sessionId}.png?exp=${exp}&sig=${otherSig}`],
      ['the PNG link for SVG', `/qr/${sessionId}.svg?exp=${exp}&sig=${sig}`],
      ['the PNG link for the data', `/qr/${sessionId}.json?exp=${exp}&sig=${sig}`],
      ['a link signed with another key', signedPath(sessionId, 'png', 'not-the-qr-image-signing-key')],
      // a session that does not exist gets the same answer as one that does
      ['an unknown session, no link', `/qr/${ulid()}.png`],
      ['an unknown session, a borrowed link', `/qr/${ulid()}.png?exp=${exp}&sig=${sig}`],
    ];
    for (const [i, [what, path]] of refused.entries()) {
      const r = await fetch(replicas[i % replicas.length].url + path);
      const body = (await r.json()) as { message: string };
      expect([what, r.status]).toEqual([what, 403]);
      expect(body.message).not.toContain('No QR code was issued');
    }
    expect(await total(replicas, 'qr_image_refusals_total')).toBe(refusalsBefore + refused.length);
    expect(await total(replicas, 'qr_image_refusals_total{reason="missing"}')).toBeGreaterThanOrEqual(3);

    // with a genuine link: 404 for a session without a code, 400 for a path that names no session
    const unknown = ulid();
    expect((await fetch(replicas[1].url + signedPath(unknown, 'png', IMAGE_KEY))).status).toBe(404);
    for (const bad of [
      'not-a-session.png',
      `${sessionId}.gif`,
      `${sessionId.toLowerCase()}.svg`,
      `${sessionId}x.png`,
    ]) {
      const r = await fetch(`${replicas[2].url}/qr/${encodeURIComponent(bad)}?exp=${exp}&sig=${sig}`);
      expect([bad, r.status]).toEqual([bad, 400]);
    }
  });

  it("refuses the display message's link once it has expired, while the code itself is still live", async () => {
    const { qr, imagePath } = await sessionWithImage('fitting-8');
    const expiredBefore = await total(replicas, 'qr_image_refusals_total{reason="expired"}');
    const restore = replicas.map((r) => r.skewClock(LINK_TTL_SECONDS * 1000));
    try {
      for (const replica of replicas) expect((await fetch(replica.url + imagePath)).status).toBe(403);
      // the code lives on (EXPIRE_SECONDS): a fresh link still opens it
      const fresh = await fetch(
        replicas[0].url + signedPath(qr.sessionId, 'png', IMAGE_KEY, 2 * LINK_TTL_SECONDS),
      );
      expect(fresh.status).toBe(200);
    } finally {
      restore.forEach((put) => put());
    }
    expect(await total(replicas, 'qr_image_refusals_total{reason="expired"}')).toBe(
      expiredBefore + replicas.length,
    );
    expect((await fetch(replicas[0].url + imagePath)).status).toBe(200);
  });

  it('gives every session its own scene', async () => {
    const ids = Array.from({ length: 20 }, () => ulid());
    await Promise.all(
      ids.map((sessionId) =>
        bus.publish(
          Events.sessionStarted,
          { sessionId, mirrorId: 'fitting-9', at: new Date().toISOString() },
          { msgID: sessionId },
        ),
      ),
    );
    const issued = await waitFor(async () => {
      const e = (await issuedEvents(bus)).filter((x) => ids.includes(x.sessionId));
      return e.length === ids.length ? e : null;
    }, 20_000);
    expect(new Set(issued.map((e) => e.scene)).size).toBe(ids.length);
    expect(new Set(issued.map((e) => e.ticket)).size).toBe(ids.length);
  });
});

describe('qr-issuer while Redis restarts', () => {
  const ns = uniqueName('qrr');
  let redis: LocalRedisServer;
  let sandbox: WeChatSandbox;
  let replicas: QrIssuerReplica[];
  let bus: NatsClient;

  const issue = (i: number) => bus.request(Requests.qrIssue, anyKind(i), { timeoutMs: 10_000 });

  beforeAll(async () => {
    redis = await LocalRedisServer.start();
    sandbox = await startSandbox({ appSecret: SECRET });
    replicas = await startReplicas(2, await serviceEnv(ns, redis.url, sandbox));
    bus = await NatsClient.connect({
      ...(await testNatsAuth()),
      servers: testEnv.natsUrl(),
      name: 'qr-test',
      namespace: ns,
      logger: testLogger(),
    });
  });

  afterAll(async () => {
    await bus?.drain();
    await Promise.all((replicas ?? []).map((r) => r.close()));
    await sandbox?.close();
    await redis?.stop();
    await deleteNamespaceStreams(ns);
  });

  it('fails requests fast with a clear error or serves them, hangs none, and recovers', async () => {
    await issue(0); // a token in Redis and in memory
    let running = true;
    const outage = (async () => {
      await new Promise((r) => setTimeout(r, 500));
      await redis.stop();
      sandbox.expireTokens(); // the token now needs Redis to be replaced
      const sessionId = ulid();
      await bus.publish(
        Events.sessionStarted,
        { sessionId, mirrorId: 'fitting-r', at: new Date().toISOString() },
        { msgID: sessionId },
      );
      await new Promise((r) => setTimeout(r, 1500));
      await redis.resume();
      await new Promise((r) => setTimeout(r, 1500));
      running = false;
      return sessionId;
    })();
    const outcomes = await loadWhile(
      () => running,
      20,
      (i) => issue(i).finally(() => new Promise((r) => setTimeout(r, 10))),
    );
    const sessionDuringOutage = await outage;

    const failures = outcomes.filter((o) => !o.ok);
    expect(failures.length).toBeGreaterThan(0); // the outage was felt...
    for (const f of failures) {
      expect(f.error).toBeInstanceOf(RequestRefusedError); // ...as a refusal, never a timeout
      expect(f.error).toMatchObject({ code: ReplyCodes.unavailable, reason: expect.stringMatching(/Redis/) });
    }
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(3000);

    // after the restart: new requests succeed, and the session published during the outage gets its code
    await waitFor(() => issue(5000).then(() => true), 15_000, 200);
    await waitFor(
      async () =>
        (await fetch(replicas[0].url + signedPath(sessionDuringOutage, 'png', IMAGE_KEY))).status === 200,
      20_000,
      200,
    );
  });
});
