import { Inject, Injectable } from '@nestjs/common';
import { isValidMirrorId } from '@mirror/contracts';
import { Clock } from '@mirror/platform';
import { UnitOfWork } from '../database/unit-of-work';
import { InvalidIdError, UnknownMirrorError } from './fleet.errors';
import { MirrorRegistryRepository, type RegisteredMirror } from './mirror-registry.repository';

/** Issues and revokes mirrors' bus credentials (the bus's account signing key is behind it). */
export interface MirrorCredentials {
  issue(mirrorId: string): Promise<{ publicKey: string; creds: string }>;
  /** Revokes a user key on the bus: its connections are cut and it cannot sign in again. */
  revoke(publicKey: string): Promise<void>;
}
export const MIRROR_CREDENTIALS = Symbol('MIRROR_CREDENTIALS');

const STORE_ID = /^[a-z0-9-]{1,64}$/;

/** Registering a mirror to a store (a new credential each time) and revoking it. */
@Injectable()
export class FleetService {
  constructor(
    private readonly registry: MirrorRegistryRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    @Inject(MIRROR_CREDENTIALS) private readonly credentials: MirrorCredentials,
  ) {}

  /**
   * Registers (or re-registers) a mirror: a new credential, recorded as the mirror's current one; the
   * credential it replaces is revoked, so a stolen or lost file stops working. Returns the `.creds` text.
   */
  async register(mirrorId: string, storeId: string): Promise<{ creds: string; replaced: boolean }> {
    if (!isValidMirrorId(mirrorId)) throw new InvalidIdError('mirror', mirrorId);
    if (!STORE_ID.test(storeId)) throw new InvalidIdError('store', storeId);
    const credential = await this.credentials.issue(mirrorId);
    const previous = await this.unitOfWork.transaction(async () => {
      const before = await this.registry.find(mirrorId);
      await this.registry.register(mirrorId, storeId, credential.publicKey, this.clock.date());
      return before;
    });
    const old = previous?.natsUserKey;
    if (old && !previous.revokedAt) await this.credentials.revoke(old);
    return { creds: credential.creds, replaced: Boolean(old) };
  }

  /** Revokes the mirror's credential on the bus (its connection is cut within seconds) and records it. */
  async revoke(mirrorId: string): Promise<RegisteredMirror> {
    const mirror = await this.registry.find(mirrorId);
    if (!mirror?.natsUserKey) throw new UnknownMirrorError(mirrorId);
    await this.credentials.revoke(mirror.natsUserKey);
    if (!mirror.revokedAt) await this.registry.markRevoked(mirrorId, this.clock.date());
    return (await this.registry.find(mirrorId))!;
  }

  list(storeId?: string): Promise<RegisteredMirror[]> {
    return this.registry.list(storeId);
  }
}
