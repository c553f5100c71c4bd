import { BUS_ROLES, SERVICE_NAMES } from '@mirror/contracts';
import { Namespace } from '@mirror/nats';
import { busNamespace, mirrorPermissions, servicePermissions } from '@mirror/bus-auth';

const everyPublish = (name: (typeof SERVICE_NAMES)[number], ns = '') =>
  servicePermissions(name, ns).pub.allow;

describe(mirrorPermissions.name, () => {
  it('lets a mirror publish its own frames and photos and read its own display, gestures, control and looks', () => {
    const sut = mirrorPermissions('m-1');
    // frames also under the partitioned subject the server maps them to, and only its own id there
    expect(sut.pub.allow.sort()).toEqual([
      'mirror.m-1.frame',
      'mirror.m-1.photo',
      'mirror.m-1.status',
      'vision.frame.*.m-1',
    ]);
    expect(sut.sub.allow.sort()).toEqual([
      '_INBOX_m-1.>',
      'mirror.m-1.control',
      'mirror.m-1.display',
      'mirror.m-1.gesture',
      'mirror.m-1.looks',
    ]);
    expect(sut.resp).toBeUndefined();
  });

  it('puts the namespace before every subject and into the inbox prefix', () => {
    const sut = mirrorPermissions('m-1', 't1');
    expect(sut.pub.allow.sort()).toEqual([
      't1.mirror.m-1.frame',
      't1.mirror.m-1.photo',
      't1.mirror.m-1.status',
      't1.vision.frame.*.m-1',
    ]);
    expect(sut.sub.allow).toContain('_INBOX_t1_m-1.>');
    expect(sut.sub.allow).toContain('t1.mirror.m-1.display');
  });

  it.each(['*', '>', 'm.1', 'M1', 'm_1', '', 'a'.repeat(65)])('refuses the mirror id "%s"', (id) => {
    expect(() => mirrorPermissions(id)).toThrow(/\[a-z0-9-\]/);
  });
});

describe(servicePermissions.name, () => {
  it('derives photo-store from its row: streams, its durable, its KV bucket, its events and requests', () => {
    const sut = servicePermissions('photo-store', 't1');
    expect(sut.pub.allow).toEqual(
      expect.arrayContaining([
        '$JS.API.INFO',
        '$JS.API.STREAM.INFO.t1_PHOTOS_IN',
        '$JS.API.STREAM.CREATE.t1_PHOTOS_IN',
        '$JS.API.STREAM.UPDATE.t1_PHOTOS_IN',
        '$JS.API.STREAM.CREATE.t1_PHOTOS',
        '$JS.API.STREAM.CREATE.t1_DLQ',
        '$JS.API.CONSUMER.CREATE.t1_PHOTOS_IN.photo-store-photos',
        '$JS.API.CONSUMER.CREATE.t1_PHOTOS_IN.photo-store-photos.>',
        '$JS.API.CONSUMER.INFO.t1_PHOTOS_IN.photo-store-photos',
        '$JS.API.CONSUMER.MSG.NEXT.t1_PHOTOS_IN.photo-store-photos',
        '$JS.ACK.t1_PHOTOS_IN.photo-store-photos.>',
        '$KV.t1_PHOTO_RECENT.>',
        '$JS.API.STREAM.CREATE.KV_t1_PHOTO_RECENT',
        '$JS.API.DIRECT.GET.KV_t1_PHOTO_RECENT.>',
        '$JS.API.STREAM.MSG.GET.KV_t1_PHOTO_RECENT',
        't1.photo.stored',
        't1.photo.rejected',
        't1.photo.deleted',
        't1.dlq.PHOTOS_IN.photo-store-photos',
      ]),
    );
    expect(sut.sub.allow.sort()).toEqual(['_INBOX_t1_photo-store.>', 't1.photo.delete', 't1.photo.url']);
    expect(sut.resp).toEqual({ max: 1, ttl: 0 });
  });

  it('grants no JetStream administration beyond creating and reading its own', () => {
    for (const name of SERVICE_NAMES) {
      const api = everyPublish(name).filter((s) => s.startsWith('$JS.API.'));
      const verbs = new Set(api.map((s) => s.split('.').slice(2, 4).join('.')));
      for (const verb of verbs) {
        expect([
          'INFO',
          'STREAM.INFO',
          'STREAM.CREATE',
          'STREAM.UPDATE',
          'STREAM.MSG',
          'CONSUMER.CREATE',
          'CONSUMER.INFO',
          'CONSUMER.MSG',
          'DIRECT.GET',
        ]).toContain(verb);
      }
      expect(api.some((s) => /\.(DELETE|PURGE|LIST|NAMES)(\.|$)/.test(s))).toBe(false);
    }
  });

  it('keeps the gateway to publishing its events and asking binding', () => {
    const sut = servicePermissions('wechat-gateway');
    expect(sut.pub.allow).toEqual(expect.arrayContaining(['wechat.qr.scanned', 'binding.gallery.get']));
    expect(sut.pub.allow).not.toContain('session.ended');
    expect(sut.pub.allow.some((s) => s.includes('CONSUMER'))).toBe(false);
    expect(sut.sub.allow).toEqual(['_INBOX_wechat-gateway.>']);
    expect(sut.resp).toBeUndefined();
  });

  it('gives every service the subjects of its row', () => {
    for (const name of SERVICE_NAMES) {
      const role = BUS_ROLES[name];
      const sut = servicePermissions(name);
      expect(sut.pub.allow).toEqual(
        expect.arrayContaining([...role.publishes, ...role.emits, ...role.requests]),
      );
      expect(sut.sub.allow).toEqual(expect.arrayContaining([...role.listens, ...role.serves]));
    }
  });

  it('lets the registrar ask for QR codes and nothing else', () => {
    const sut = servicePermissions('registrar');
    expect(sut.pub.allow).toEqual(['qr.issue']);
    expect(sut.sub.allow).toEqual(['_INBOX_registrar.>']);
  });

  it('has no service row for a mirror', () => {
    expect(() => servicePermissions('mirror' as never)).toThrow(/no service role/);
  });
});

describe(busNamespace.name, () => {
  it.each(['', 't1'])('prefixes like @mirror/nats Namespace ("%s")', (prefix) => {
    const sut = busNamespace(prefix);
    const theirs = new Namespace(prefix);
    expect(sut.subject('session.started')).toBe(theirs.subject('session.started'));
    expect(sut.stream('SESSIONS')).toBe(theirs.stream('SESSIONS'));
  });

  it('refuses a namespace that would change the subjects it prefixes', () => {
    expect(() => busNamespace('a.b')).toThrow(/namespace/);
    expect(() => busNamespace('*')).toThrow(/namespace/);
  });
});
