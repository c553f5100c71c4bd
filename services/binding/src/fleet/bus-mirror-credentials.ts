import { BusAuthority, revokeUser } from '@mirror/bus-auth';
import type { MirrorCredentials } from './fleet.service';

/**
 * Mirror credentials from the bus's authority directory (its account signing seed stays there), revocations
 * pushed to the NATS servers through the system account: no restart, the user is cut off at once.
 */
export class BusMirrorCredentials implements MirrorCredentials {
  private constructor(
    private readonly authority: BusAuthority,
    private readonly servers: string,
    private readonly namespace: string,
  ) {}

  static async open(authorityDir: string, servers: string, namespace = ''): Promise<BusMirrorCredentials> {
    return new BusMirrorCredentials(await BusAuthority.open(authorityDir), servers, namespace);
  }

  async issue(mirrorId: string): Promise<{ publicKey: string; creds: string }> {
    const credential = await this.authority.issueMirror(mirrorId, { namespace: this.namespace });
    return { publicKey: credential.publicKey, creds: credential.creds };
  }

  async revoke(publicKey: string): Promise<void> {
    await revokeUser(this.authority, publicKey, { servers: this.servers.split(',') });
  }
}
