import type { NatsConnection } from '@nats-io/nats-core';
import { decode } from '@nats-io/jwt';
import type { BusAuthority } from './bus-authority';
import { SYSTEM_INBOX_PREFIX } from './identities';
import { connectWithCreds } from './nats-connection';

/** The server did not take an account JWT update. */
export class ClaimsUpdateError extends Error {
  constructor(
    readonly account: string,
    reason: string,
  ) {
    super(`the NATS server refused the update of account ${account}: ${reason}`);
    this.name = 'ClaimsUpdateError';
  }
}

interface ClaimsUpdateReply {
  data?: { account?: string; code?: number; message?: string };
  error?: { account?: string; code?: number; description?: string };
}

/**
 * Pushes an account JWT to the servers' `full` resolver over the system account (`$SYS.REQ.CLAIMS.UPDATE`).
 * The server stores it and applies it at once: limits, and revocations, which close the revoked users'
 * connections. `nc` must be the system user's connection.
 */
export async function pushAccountJwt(
  nc: NatsConnection,
  accountJwt: string,
  timeoutMs = 5000,
): Promise<void> {
  const account = accountOf(accountJwt);
  let reply: ClaimsUpdateReply;
  try {
    const msg = await nc.request('$SYS.REQ.CLAIMS.UPDATE', accountJwt, { timeout: timeoutMs });
    reply = msg.json<ClaimsUpdateReply>();
  } catch (e) {
    throw new ClaimsUpdateError(account, `no answer on $SYS.REQ.CLAIMS.UPDATE (${(e as Error).message})`);
  }
  if (reply.error)
    throw new ClaimsUpdateError(account, reply.error.description ?? `code ${reply.error.code}`);
  if (reply.data?.code !== undefined && reply.data.code !== 200) {
    throw new ClaimsUpdateError(account, reply.data.message ?? `code ${reply.data.code}`);
  }
}

/** Connects as the authority's system user. */
export function connectSystemUser(
  authority: BusAuthority,
  servers: string | string[],
): Promise<NatsConnection> {
  return connectWithCreds({
    servers,
    creds: authority.systemCreds(),
    inboxPrefix: SYSTEM_INBOX_PREFIX,
    name: 'bus-auth',
  });
}

/**
 * Revokes a user and makes the servers apply it: the user's live connections are closed and it cannot
 * connect again. The revocation is stored in the authority directory first, so a failed push can be retried.
 */
export async function revokeUser(
  authority: BusAuthority,
  userPublicKey: string,
  options: { servers: string | string[]; timeoutMs?: number },
): Promise<void> {
  const accountJwt = await authority.revoke(userPublicKey);
  const nc = await connectSystemUser(authority, options.servers);
  try {
    await pushAccountJwt(nc, accountJwt, options.timeoutMs);
  } finally {
    await nc.close();
  }
}

function accountOf(jwt: string): string {
  try {
    return decode(jwt).sub;
  } catch {
    throw new ClaimsUpdateError(
      '(unknown)',
      'the account JWT does not decode or its signature does not verify',
    );
  }
}
