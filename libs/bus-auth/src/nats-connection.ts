import * as transport from '@nats-io/transport-node';
import type { Authenticator, ConnectionOptions, NatsConnection } from '@nats-io/nats-core';

/**
 * The v3 client (@nats-io/transport-node), typed. Under this repository's `moduleResolution: node`,
 * transport-node's declarations re-export `@nats-io/nats-core/internal`, a subpath only `exports`-aware
 * resolution finds, so its types arrive as `any`; the same declarations from nats-core's main entry
 * (a type-only import, nothing loaded at run time) put them back.
 */
const node = transport as unknown as {
  connect(options: ConnectionOptions): Promise<NatsConnection>;
  credsAuthenticator(creds: Uint8Array): Authenticator;
};

/** Connects with a `.creds` file's content; `inboxPrefix` must be the user's own (busInboxPrefix). */
export function connectWithCreds(
  options: Omit<ConnectionOptions, 'authenticator' | 'inboxPrefix'> & { creds: string; inboxPrefix: string },
): Promise<NatsConnection> {
  const { creds, ...rest } = options;
  return node.connect({ ...rest, authenticator: node.credsAuthenticator(new TextEncoder().encode(creds)) });
}
