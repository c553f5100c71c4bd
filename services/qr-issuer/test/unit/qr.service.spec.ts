import pino from 'pino';
import type { QrIssueRequest } from '@mirror/contracts';
import { ManualClock, MetricsService } from '@mirror/platform';
import { QrCodeLimitError, type QrCodeRequest, type QrCodeTicket } from '@mirror/wechat';
import type { QrEventsPublisher } from '../../src/qr/qr-events.publisher';
import { QrImageRenderer } from '../../src/qr/qr-image.renderer';
import { QrImageSigner, type QrImageResource } from '../../src/qr/qr-image.signer';
import {
  MalformedQrPathError,
  QrImageRefusedError,
  SessionQrExpiredError,
  SessionQrNotFoundError,
} from '../../src/qr/qr.errors';
import type { PermanentQr, PermanentQrRepository } from '../../src/qr/permanent-qr.repository';
import { PermanentQrService } from '../../src/qr/permanent-qr.service';
import { QrMetrics } from '../../src/qr/qr.metrics';
import { QrService } from '../../src/qr/qr.service';
import { SceneTokenGenerator } from '../../src/qr/scene-token.generator';
import type { SessionQr, SessionQrRepository } from '../../src/qr/session-qr.repository';
import type { WeChatQrRepository } from '../../src/qr/wechat-qr.repository';

const SESSION = '01JBQ7Z6Y3G8V2N4K5M6P7R8S9';
const EXPIRE_SECONDS = 3600;
const LINK_TTL_SECONDS = 600;

/** Redis as a Map, with the same first-writer-wins semantics. */
class InMemorySessionQrs {
  readonly scenes = new Map<string, string>();
  readonly codes = new Map<string, SessionQr>();
  async find(sessionId: string) {
    return this.codes.get(sessionId) ?? null;
  }
  async reserveScene(sessionId: string, candidate: string) {
    if (!this.scenes.has(sessionId)) this.scenes.set(sessionId, candidate);
    return this.scenes.get(sessionId)!;
  }
  async saveIfAbsent(record: SessionQr) {
    if (!this.codes.has(record.sessionId)) this.codes.set(record.sessionId, record);
    return this.codes.get(record.sessionId)!;
  }
}

/** Redis as a Map, first writer wins, no expiry. */
class InMemoryPermanentQrs {
  readonly codes = new Map<string, PermanentQr>();
  async find(kind: string, scene: string) {
    return this.codes.get(`${kind}:${scene}`) ?? null;
  }
  async saveIfAbsent(record: PermanentQr) {
    const key = `${record.kind}:${record.scene}`;
    if (!this.codes.has(key)) this.codes.set(key, record);
    return this.codes.get(key)!;
  }
}

class FakeWeChat {
  readonly calls: QrCodeRequest[] = [];
  constructor(private readonly clock: ManualClock) {}
  async create(request: QrCodeRequest): Promise<QrCodeTicket> {
    this.calls.push(request);
    const n = this.calls.length;
    const expireSeconds = 'expireSeconds' in request ? request.expireSeconds : null;
    return {
      kind: request.kind,
      ticket: `ticket+${n}/=`,
      url: `http://weixin.qq.com/q/${n}`,
      showUrl: this.showUrl(`ticket+${n}/=`),
      expireSeconds,
      expiresAt: expireSeconds === null ? null : this.clock.now() + expireSeconds * 1000,
    };
  }
  showUrl(ticket: string) {
    return `https://mp.example/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}`;
  }
}

function setup() {
  const clock = new ManualClock(Date.UTC(2025, 5, 1));
  const wechat = new FakeWeChat(clock);
  const sessions = new InMemorySessionQrs();
  const announced: SessionQr[] = [];
  const publisher = { announce: async (qr: SessionQr) => void announced.push(qr) };
  const settings = {
    expireSeconds: EXPIRE_SECONDS,
    imageBaseUrl: 'http://qr.example:8080/',
    imageSigningSecret: 'qr-image-signing-secret-for-tests',
    imageUrlTtlSeconds: LINK_TTL_SECONDS,
  };
  const signer = new QrImageSigner(clock, settings);
  const metrics = new MetricsService();
  const qrMetrics = new QrMetrics(metrics);
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const renderer = new QrImageRenderer();
  const permanentCodes = new InMemoryPermanentQrs();
  const permanent = new PermanentQrService(
    wechat as unknown as WeChatQrRepository,
    permanentCodes as unknown as PermanentQrRepository,
    renderer,
    signer,
    clock,
    qrMetrics,
    settings,
    logger,
  );
  const sut = new QrService(
    wechat as unknown as WeChatQrRepository,
    sessions as unknown as SessionQrRepository,
    publisher as unknown as QrEventsPublisher,
    new SceneTokenGenerator(),
    renderer,
    signer,
    permanent,
    clock,
    qrMetrics,
    settings,
    logger,
  );
  /** The query of a link the publisher would hand out now. */
  const link = (sessionId: string, format: QrImageResource) => {
    const { exp, sig } = signer.sign(sessionId, format, clock.now() + EXPIRE_SECONDS * 1000);
    return { exp: String(exp), sig };
  };
  const refusals = async () =>
    (await metrics.registry.getSingleMetric('qr_image_refusals_total')!.get()).values.map((v) => [
      v.labels.reason,
      v.value,
    ]);
  return { sut, clock, wechat, sessions, announced, link, refusals, logs, permanent, permanentCodes, signer };
}

const started = (sessionId = SESSION) => ({
  v: 1 as const,
  sessionId,
  mirrorId: 'fitting-1',
  at: new Date().toISOString(),
});

describe(QrService.name, () => {
  it('issues a temporary string-scene code with a fresh random scene and the configured expiry', async () => {
    const { sut, wechat, announced, clock } = setup();
    const qr = await sut.issueForSession(started());
    expect(wechat.calls).toEqual([
      { kind: 'QR_STR_SCENE', sceneStr: qr.scene, expireSeconds: EXPIRE_SECONDS },
    ]);
    expect(qr).toMatchObject({ sessionId: SESSION, mirrorId: 'fitting-1', ticket: 'ticket+1/=' });
    expect(qr.expiresAt).toBe(clock.now() + EXPIRE_SECONDS * 1000);
    expect(announced).toEqual([qr]);
  });

  it('announces the stored ticket again on redelivery without calling WeChat', async () => {
    const { sut, wechat, announced } = setup();
    const first = await sut.issueForSession(started());
    const again = await sut.issueForSession(started());
    expect(again).toEqual(first);
    expect(wechat.calls).toHaveLength(1);
    expect(announced).toEqual([first, first]);
  });

  it('uses the scene another replica reserved first', async () => {
    const { sut, wechat, sessions } = setup();
    sessions.scenes.set(SESSION, 'reserved-by-the-other-replica');
    const qr = await sut.issueForSession(started());
    expect(qr.scene).toBe('reserved-by-the-other-replica');
    expect(wechat.calls[0]).toMatchObject({ sceneStr: 'reserved-by-the-other-replica' });
  });

  it('announces the ticket stored first when another replica finished the same session in between', async () => {
    const { sut, sessions, announced } = setup();
    const theirs: SessionQr = {
      sessionId: SESSION,
      mirrorId: 'fitting-1',
      scene: 's',
      ticket: 'their-ticket',
      url: 'http://weixin.qq.com/q/theirs',
      expiresAt: 1,
    };
    const save = sessions.saveIfAbsent.bind(sessions);
    sessions.saveIfAbsent = async (record) => {
      sessions.codes.set(SESSION, theirs); // they won the SET NX
      return save(record);
    };
    expect(await sut.issueForSession(started())).toBe(theirs);
    expect(announced).toEqual([theirs]);
  });

  it('sends QR_EXPIRE_SECONDS when a temporary request names no expiry', async () => {
    const { sut, wechat } = setup();
    const reply = await sut.issue({ v: 1, kind: 'QR_SCENE', sceneId: 42 });
    expect(wechat.calls).toEqual([{ kind: 'QR_SCENE', sceneId: 42, expireSeconds: EXPIRE_SECONDS }]);
    expect(reply).toMatchObject({ kind: 'QR_SCENE', sceneId: 42, ticket: 'ticket+1/=' });
    expect(reply.showUrl).toContain(encodeURIComponent('ticket+1/='));
  });

  it('leaves the expiry out of permanent codes', async () => {
    const { sut, wechat } = setup();
    const reply = await sut.issue({ v: 1, kind: 'QR_LIMIT_STR_SCENE', sceneStr: 'mirror-1' });
    expect(wechat.calls).toEqual([{ kind: 'QR_LIMIT_STR_SCENE', sceneStr: 'mirror-1' }]);
    expect(reply.expiresAt).toBeUndefined();
  });

  it.each<[QrIssueRequest, string]>([
    [{ v: 1, kind: 'QR_SCENE', sceneStr: 'a' }, 'sceneStr'],
    [{ v: 1, kind: 'QR_LIMIT_SCENE', sceneId: 1, sceneStr: 'a' }, 'sceneStr'],
    [{ v: 1, kind: 'QR_STR_SCENE', sceneId: 1 }, 'sceneId'],
    [{ v: 1, kind: 'QR_LIMIT_STR_SCENE' }, 'sceneStr'],
    [{ v: 1, kind: 'QR_LIMIT_SCENE' }, 'sceneId'],
    [{ v: 1, kind: 'QR_LIMIT_STR_SCENE', sceneStr: 'a', expireSeconds: 60 }, 'expireSeconds'],
  ])('refuses %j naming %s, without calling WeChat', async (request, field) => {
    const { sut, wechat } = setup();
    await expect(sut.issue(request)).rejects.toMatchObject({ constructor: QrCodeLimitError, field });
    expect(wechat.calls).toEqual([]);
  });

  it('renders the image of a live session code and refuses expired, unknown and malformed ones', async () => {
    const { sut, clock, link } = setup();
    await sut.issueForSession(started());
    const { image, secondsLeft } = await sut.sessionImage(SESSION, 'svg', link(SESSION, 'svg'));
    expect(image.toString()).toContain('<svg');
    expect(secondsLeft).toBe(LINK_TTL_SECONDS); // the link ends before the code

    const unknown = '01JBQ7Z6Y3G8V2N4K5M6P7R8SA';
    await expect(sut.sessionImage(unknown, 'png', link(unknown, 'png'))).rejects.toBeInstanceOf(
      SessionQrNotFoundError,
    );
    await expect(sut.sessionImage('../../etc/passwd', 'png', {})).rejects.toBeInstanceOf(
      MalformedQrPathError,
    );
    clock.advance(EXPIRE_SECONDS * 1000);
    await expect(sut.sessionImage(SESSION, 'png', link(SESSION, 'png'))).rejects.toBeInstanceOf(
      SessionQrExpiredError,
    );
  });

  it('checks the link before looking the session up, so an unknown session is refused like a known one', async () => {
    const { sut, sessions, refusals, logs } = setup();
    await sut.issueForSession(started());
    const find = jest.spyOn(sessions, 'find');
    const unknown = '01JBQ7Z6Y3G8V2N4K5M6P7R8SA';
    for (const sessionId of [SESSION, unknown]) {
      await expect(sut.sessionImage(sessionId, 'png', {})).rejects.toMatchObject({
        constructor: QrImageRefusedError,
        reason: 'missing',
      });
    }
    await expect(sut.sessionQr(SESSION, { exp: '99999999999', sig: 'A'.repeat(22) })).rejects.toMatchObject({
      constructor: QrImageRefusedError,
      reason: 'bad_signature',
    });
    expect(find).not.toHaveBeenCalled();
    expect(await refusals()).toEqual([
      ['missing', 2],
      ['bad_signature', 1],
    ]);
    const refusedLogs = logs.filter((l) => l.msg === 'QR image request refused');
    expect(refusedLogs.map((l) => [l.sessionId, l.format, l.reason])).toEqual([
      [SESSION, 'png', 'missing'],
      [unknown, 'png', 'missing'],
      [SESSION, 'json', 'bad_signature'],
    ]);
    expect(JSON.stringify(refusedLogs)).not.toContain('A'.repeat(22)); // the presented sig is not logged
  });

  it('refuses a link once it has expired while the code is still live', async () => {
    const { sut, clock, link } = setup();
    await sut.issueForSession(started());
    const grant = link(SESSION, 'png');
    clock.advance(LINK_TTL_SECONDS * 1000);
    await expect(sut.sessionImage(SESSION, 'png', grant)).rejects.toMatchObject({ reason: 'expired' });
    expect((await sut.sessionImage(SESSION, 'png', link(SESSION, 'png'))).image.length).toBeGreaterThan(0);
  });

  it('gives the code data behind a link signed for json', async () => {
    const { sut, link } = setup();
    const qr = await sut.issueForSession(started());
    expect(await sut.sessionQr(SESSION, link(SESSION, 'json'))).toMatchObject({ url: qr.url });
    await expect(sut.sessionQr(SESSION, link(SESSION, 'png'))).rejects.toMatchObject({
      reason: 'bad_signature',
    });
  });
});

describe(PermanentQrService.name, () => {
  const mirrorLink = (signer: QrImageSigner, mirrorId: string, format: 'png' | 'svg') => {
    const url = new URL(signer.signedMirrorCodeUrl('http://qr.example', mirrorId, format));
    return { exp: url.searchParams.get('exp')!, sig: url.searchParams.get('sig')! };
  };

  it('creates a permanent code once per scene and answers the stored ticket ever after', async () => {
    const { sut, wechat } = setup();
    const first = await sut.issue({ v: 1, kind: 'QR_LIMIT_STR_SCENE', sceneStr: 'm:mirror-1' });
    const again = await sut.issue({ v: 1, kind: 'QR_LIMIT_STR_SCENE', sceneStr: 'm:mirror-1' });
    const other = await sut.issue({ v: 1, kind: 'QR_LIMIT_STR_SCENE', sceneStr: 'm:mirror-2' });
    const byId = await sut.issue({ v: 1, kind: 'QR_LIMIT_SCENE', sceneId: 7 });
    const byIdAgain = await sut.issue({ v: 1, kind: 'QR_LIMIT_SCENE', sceneId: 7 });
    expect(wechat.calls).toHaveLength(3);
    expect(again).toEqual(first);
    expect(other.ticket).not.toBe(first.ticket);
    expect(byIdAgain.ticket).toBe(byId.ticket);
    expect(first.showUrl).toContain(encodeURIComponent(first.ticket));
  });

  it('refuses a permanent request WeChat would refuse before looking for a stored code', async () => {
    const { sut, permanentCodes } = setup();
    permanentCodes.find = () => Promise.reject(new Error('the store must not be asked'));
    await expect(
      sut.issue({ v: 1, kind: 'QR_LIMIT_STR_SCENE', sceneStr: 'x'.repeat(65) }),
    ).rejects.toMatchObject({ constructor: QrCodeLimitError, field: 'sceneStr' });
    await expect(sut.issue({ v: 1, kind: 'QR_LIMIT_SCENE', sceneId: 0 })).rejects.toMatchObject({
      constructor: QrCodeLimitError,
      field: 'sceneId',
    });
  });

  it('adds signed print links to a mirror code, and none to other permanent scenes', async () => {
    const { sut, signer } = setup();
    const reply = await sut.issue({ v: 1, kind: 'QR_LIMIT_STR_SCENE', sceneStr: 'm:mirror-1' });
    const png = new URL(reply.images!.png);
    expect(`${png.origin}${png.pathname}`).toBe('http://qr.example:8080/qr/mirrors/mirror-1.png');
    expect(new URL(reply.images!.svg).pathname).toBe('/qr/mirrors/mirror-1.svg');
    expect(() =>
      signer.verifyMirrorCode('mirror-1', 'png', Object.fromEntries(png.searchParams)),
    ).not.toThrow();
    expect(
      (await sut.issue({ v: 1, kind: 'QR_LIMIT_STR_SCENE', sceneStr: 'mirror-1' })).images,
    ).toBeUndefined();
  });

  it('renders a mirror code at print size behind its signed link, issuing it once', async () => {
    const { permanent, wechat, signer } = setup();
    const png = await permanent.mirrorCodeImage(
      'mirror-9',
      'png',
      mirrorLink(signer, 'mirror-9', 'png'),
      600,
    );
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(600); // IHDR width
    const svg = await permanent.mirrorCodeImage('mirror-9', 'svg', mirrorLink(signer, 'mirror-9', 'svg'));
    expect(svg.toString()).toContain('<svg');
    expect(wechat.calls).toEqual([{ kind: 'QR_LIMIT_STR_SCENE', sceneStr: 'm:mirror-9' }]);
  });

  it('refuses a mirror code without a valid link for that mirror and format, before issuing anything', async () => {
    const { permanent, wechat, signer, refusals, link } = setup();
    const other = mirrorLink(signer, 'mirror-2', 'png');
    const svgLink = mirrorLink(signer, 'mirror-1', 'svg');
    for (const grant of [{}, other, svgLink, link(SESSION, 'png')]) {
      await expect(permanent.mirrorCodeImage('mirror-1', 'png', grant)).rejects.toBeInstanceOf(
        QrImageRefusedError,
      );
    }
    expect(wechat.calls).toEqual([]);
    expect(await refusals()).toEqual([
      ['missing', 1],
      ['bad_signature', 3],
    ]);
  });
});
