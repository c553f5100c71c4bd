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

/** What a registration produced: the `.creds` text (secret: write it, never log it) and what it replaced. */
export interface Registration {
  mirror: RegisteredMirror;
  creds: string;
  /** The public key of the credential this one replaced (now revoked), if the mirror had a live one. */
  replacedKey: string | null;
}

/**
 * Registering a mirror to a store (a new credential each time) and revoking it. Each command runs in one
 * transaction under the registry lock, and the bus is told before the database: when the bus does not
 * answer, nothing is recorded and the same command can simply run again; a recorded revocation has reached
 * the servers.
 */
@Injectable()
export class FleetService {
  constructor(
    private readonly registry: MirrorRegistryRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    @Inject(MIRROR_CREDENTIALS) private readonly credentials: MirrorCredentials,
  ) {}

  /**
   * Registers (or re-registers) a mirror to a store with a new credential. The live credential it replaces
   * is revoked first, so a stolen or lost file stops working. A new store is created on the way.
   */
  async register(mirrorId: string, storeId: string, storeName?: string): Promise<Registration> {
    if (!isValidMirrorId(mirrorId)) throw new InvalidIdError('mirror', mirrorId);
    if (!STORE_ID.test(storeId)) throw new InvalidIdError('store', storeId);
    return this.unitOfWork.transaction(async () => {
      await this.registry.lockRegistry();
      const before = await this.registry.find(mirrorId);
      const replacedKey = before?.natsUserKey && !before.revokedAt ? before.natsUserKey : null;
      if (replacedKey) await this.credentials.revoke(replacedKey);
      const credential = await this.credentials.issue(mirrorId);
      const at = this.clock.date();
      await this.registry.upsertStore(storeId, storeName?.trim() || undefined, at);
      await this.registry.register(mirrorId, storeId, credential.publicKey, at);
      const mirror = (await this.registry.find(mirrorId))!;
      return { mirror, creds: credential.creds, replacedKey };
    });
  }

  /**
   * Revokes the mirror's credential on the bus (its connection is cut within seconds) and records it.
   * Revoking again pushes the revocation again (harmless) and keeps the first time.
   */
  async revoke(mirrorId: string): Promise<RegisteredMirror> {
    if (!isValidMirrorId(mirrorId)) throw new InvalidIdError('mirror', mirrorId);
    return this.unitOfWork.transaction(async () => {
      await this.registry.lockRegistry();
      const mirror = await this.registry.find(mirrorId);
      if (!mirror?.natsUserKey) throw new UnknownMirrorError(mirrorId);
      await this.credentials.revoke(mirror.natsUserKey);
      await this.registry.markRevoked(mirrorId, this.clock.date());
      return (await this.registry.find(mirrorId))!;
    });
  }

  /** Every mirror (registered, revoked, or only seen on the bus), or the mirrors of one store. */
  async list(storeId?: string): Promise<RegisteredMirror[]> {
    if (storeId !== undefined && !STORE_ID.test(storeId)) throw new InvalidIdError('store', storeId);
    return this.registry.list(storeId);
  }
}
