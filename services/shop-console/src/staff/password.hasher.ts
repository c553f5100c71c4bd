import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * Argon2id (@node-rs/argon2) with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane); the salt and
 * parameters travel in the PHC string, so they can be raised later without invalidating stored hashes.
 */
@Injectable()
export class PasswordHasher {
  /** A dummy hash verified for unknown usernames, so their answer takes as long as a wrong password. */
  private dummy?: Promise<string>;

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
  }

  async verify(stored: string | null, password: string): Promise<boolean> {
    if (!stored) {
      this.dummy ??= this.hash('not a password of anyone');
      await verify(await this.dummy, password).catch(() => false);
      return false;
    }
    return verify(stored, password).catch(() => false);
  }
}
