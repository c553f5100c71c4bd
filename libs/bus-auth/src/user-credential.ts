import { inspect } from 'node:util';

/**
 * A NATS user's credential: its JWT and the `.creds` file content (JWT + the user's seed). Logging it, or
 * serialising it to JSON, shows the name, public key and inbox prefix, never the seed.
 */
export class UserCredential {
  readonly #creds: string;

  constructor(
    readonly name: string,
    readonly publicKey: string,
    readonly jwt: string,
    /** The `inboxPrefix` the user's client must connect with. */
    readonly inboxPrefix: string,
    creds: string,
  ) {
    this.#creds = creds;
  }

  /** The `.creds` file content in NATS's standard format (secret: it holds the seed). */
  get creds(): string {
    return this.#creds;
  }

  toJSON(): { name: string; publicKey: string; inboxPrefix: string } {
    return { name: this.name, publicKey: this.publicKey, inboxPrefix: this.inboxPrefix };
  }

  [inspect.custom](): string {
    return `UserCredential { name: '${this.name}', publicKey: '${this.publicKey}' }`;
  }
}
