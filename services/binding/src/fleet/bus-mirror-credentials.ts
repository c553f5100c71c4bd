import { AuthDirectoryError, BusAuthority, revokeUser } from '@mirror/bus-auth';
import { AuthorityUnusableError, RevocationNotPushedError } from './fleet.errors';
import type { MirrorCredentials } from './fleet.service';

/**
 * Mirror credentials from the bus's authority directory (its account signing seed stays there), revocations
 * pushed to the NATS servers through the system account: no restart, the user is cut off at once. The
 * directory is read again for every operation, so a revocation re-signs the account JWT as it is now (the
 * FleetService holds the registry lock meanwhile), never a copy another command has since replaced.
 */
export class BusMirrorCredentials implements MirrorCredentials {
  private constructor(
    private readonly authorityDir: string,
    private readonly servers: string,
    private readonly namespace: string,
  ) {}

  /** Checks that `authorityDir` holds an authority able to issue and revoke (seeds, system user). */
  static async open(authorityDir: string, servers: string, namespace = ''): Promise<BusMirrorCredentials> {
    const credentials = new BusMirrorCredentials(authorityDir, servers, namespace);
    (await credentials.authority()).systemCreds();
    return credentials;
  }

  async issue(mirrorId: string): Promise<{ publicKey: string; creds: string }> {
    const authority = await this.authority();
    const credential = await authority.issueMirror(mirrorId, { namespace: this.namespace });
    return { publicKey: credential.publicKey, creds: credential.creds };
  }

  async revoke(publicKey: string): Promise<void> {
    const authority = await this.authority();
    try {
      await revokeUser(authority, publicKey, { servers: this.servers.split(',') });
    } catch (e) {
      if (e instanceof AuthDirectoryError) throw new AuthorityUnusableError(this.authorityDir, e.message);
      throw new RevocationNotPushedError(this.servers, e instanceof Error ? e.message : String(e));
    }
  }

  private async authority(): Promise<BusAuthority> {
    try {
      return await BusAuthority.open(this.authorityDir);
    } catch (e) {
      if (e instanceof AuthDirectoryError) throw new AuthorityUnusableError(this.authorityDir, e.message);
      throw e;
    }
  }
}
