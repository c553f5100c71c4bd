import { Test } from '@nestjs/testing';
import { Clock, ManualClock } from '@mirror/platform';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { InvalidIdError, RevocationNotPushedError, UnknownMirrorError } from '../../src/fleet/fleet.errors';
import { FleetService, MIRROR_CREDENTIALS, type MirrorCredentials } from '../../src/fleet/fleet.service';
import { MirrorRegistryRepository } from '../../src/fleet/mirror-registry.repository';
import { InMemoryMirrorRegistry, InlineUnitOfWork } from '../support/in-memory';

const NOW = new Date('2026-11-28T09:00:00Z');

/** A bus that numbers the keys it issues and can be told to stop answering. */
class FakeBus implements MirrorCredentials {
  issued = 0;
  answering = true;
  constructor(private readonly log: string[]) {}

  async issue(mirrorId: string) {
    const publicKey = `UKEY${++this.issued}`;
    this.log.push(`issue ${mirrorId} ${publicKey}`);
    return { publicKey, creds: `creds of ${publicKey}` };
  }

  async revoke(publicKey: string) {
    if (!this.answering) throw new RevocationNotPushedError('nats://bus:4222', 'CONNECTION_REFUSED');
    this.log.push(`revoke ${publicKey}`);
  }
}

async function build() {
  const registry = new InMemoryMirrorRegistry();
  const bus = new FakeBus(registry.log);
  const unitOfWork = new InlineUnitOfWork();
  const moduleRef = await Test.createTestingModule({
    providers: [
      FleetService,
      { provide: MirrorRegistryRepository, useValue: registry },
      { provide: UnitOfWork, useValue: unitOfWork },
      { provide: Clock, useValue: new ManualClock(NOW.getTime()) },
      { provide: MIRROR_CREDENTIALS, useValue: bus },
    ],
  }).compile();
  return { sut: moduleRef.get(FleetService), registry, bus, unitOfWork };
}

describe(FleetService.name, () => {
  it('registers a new mirror to a new store with a new credential, revoking nothing', async () => {
    const { sut, registry, unitOfWork } = await build();
    const registration = await sut.register('mirror-1', 'store-1', ' Shanghai 1 ');
    expect(registration).toMatchObject({
      creds: 'creds of UKEY1',
      replacedKey: null,
      mirror: { id: 'mirror-1', storeId: 'store-1', storeName: 'Shanghai 1', natsUserKey: 'UKEY1' },
    });
    expect(registration.mirror.registeredAt).toEqual(NOW);
    expect(registry.log).toEqual(['lock', 'issue mirror-1 UKEY1', 'register mirror-1 UKEY1']);
    expect(unitOfWork.transactions).toBe(1);
  });

  it('revokes the live credential a re-registration replaces, before recording the new one', async () => {
    const { sut, registry } = await build();
    await sut.register('mirror-1', 'store-1');
    registry.log.length = 0;
    const again = await sut.register('mirror-1', 'store-2');
    expect(again).toMatchObject({
      replacedKey: 'UKEY1',
      mirror: { storeId: 'store-2', natsUserKey: 'UKEY2' },
    });
    expect(registry.log).toEqual(['lock', 'revoke UKEY1', 'issue mirror-1 UKEY2', 'register mirror-1 UKEY2']);
  });

  it('re-registers a revoked mirror without revoking again, and clears the revocation', async () => {
    const { sut, registry } = await build();
    await sut.register('mirror-1', 'store-1');
    await sut.revoke('mirror-1');
    registry.log.length = 0;
    const again = await sut.register('mirror-1', 'store-1');
    expect(again).toMatchObject({ replacedKey: null, mirror: { natsUserKey: 'UKEY2', revokedAt: null } });
    expect(registry.log).not.toContain('revoke UKEY1');
  });

  it('records nothing when the bus does not take the revocation of the replaced credential', async () => {
    const { sut, registry, bus } = await build();
    await sut.register('mirror-1', 'store-1');
    bus.answering = false;
    await expect(sut.register('mirror-1', 'store-2')).rejects.toBeInstanceOf(RevocationNotPushedError);
    expect(await registry.find('mirror-1')).toMatchObject({ storeId: 'store-1', natsUserKey: 'UKEY1' });
  });

  it('revokes on the bus first, then records the time; a second revoke keeps the first time', async () => {
    const { sut, registry } = await build();
    await sut.register('mirror-1', 'store-1');
    registry.log.length = 0;
    const revoked = await sut.revoke('mirror-1');
    expect(revoked.revokedAt).toEqual(NOW);
    expect(registry.log).toEqual(['lock', 'revoke UKEY1', 'markRevoked mirror-1']);
    await expect(sut.revoke('mirror-1')).resolves.toMatchObject({ revokedAt: NOW });
  });

  it('records no revocation the bus did not take', async () => {
    const { sut, registry, bus } = await build();
    await sut.register('mirror-1', 'store-1');
    bus.answering = false;
    await expect(sut.revoke('mirror-1')).rejects.toThrow(/run the same command again/);
    expect((await registry.find('mirror-1'))!.revokedAt).toBeNull();
  });

  it('refuses to revoke a mirror that was never registered, leaving the bus alone', async () => {
    const { sut, registry } = await build();
    await expect(sut.revoke('mirror-9')).rejects.toBeInstanceOf(UnknownMirrorError);
    await expect(sut.revoke('mirror-9')).rejects.toThrow(
      'mirror mirror-9 is not registered: register it with `npm run fleet -- mirror add mirror-9 --store <storeId>`',
    );
    expect(registry.log.filter((l) => l !== 'lock')).toEqual([]);
  });

  it.each([
    ['Mirror-1', 'store-1'],
    ['mirror_1', 'store-1'],
    ['m'.repeat(65), 'store-1'],
    ['mirror-1', ''],
    ['mirror-1', 'Store 1'],
    ['mirror-1', '../store'],
  ])('refuses the ids %j / %j before touching anything', async (mirrorId, storeId) => {
    const { sut, registry, unitOfWork } = await build();
    await expect(sut.register(mirrorId, storeId)).rejects.toBeInstanceOf(InvalidIdError);
    expect(registry.log).toEqual([]);
    expect(unitOfWork.transactions).toBe(0);
  });

  it('lists the mirrors of one store', async () => {
    const { sut } = await build();
    await sut.register('mirror-2', 'store-1');
    await sut.register('mirror-1', 'store-2');
    await sut.register('mirror-3', 'store-1');
    expect((await sut.list('store-1')).map((m) => m.id)).toEqual(['mirror-2', 'mirror-3']);
    await expect(sut.list('Store 1')).rejects.toBeInstanceOf(InvalidIdError);
  });
});
