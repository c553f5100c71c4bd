import { withTimeout } from '@mirror/async';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { TokenStoreUnavailableError, TransportFailure } from './errors';

/** The shared access_token as cached in Redis. Times are epoch milliseconds. */
export interface CachedToken {
  token: string;
  fetchedAt: number;
  expiresAt: number;
  /** From this moment one process refreshes it in the background while everyone keeps using it. */
  refreshAfter: number;
}

/** A failed refresh, kept briefly so waiting processes get the same answer instead of calling WeChat. */
export interface RecordedFailure {
  kind: 'api' | 'transport';
  endpoint: string;
  errcode?: number;
  errmsg?: string;
  transport?: TransportFailure;
  detail?: string;
  status?: number;
  at: number;
}

/** Everything a waiting process needs, read in one round trip. */
export interface TokenState {
  token: CachedToken | null;
  locked: boolean;
  failure: RecordedFailure | null;
}

// Delete only if the lock still carries our random value (it may have expired and been taken by another process).
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
// Delete the cached token only if it is still the one that was rejected (another process may already have replaced it).
const INVALIDATE = `local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local ok, rec = pcall(cjson.decode, v)
if ok and type(rec) == 'table' and rec.token == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Redis keys and scripts for the shared token; every call is bounded by a timeout. */
export class RedisTokenStore {
  private readonly tokenKey: string;
  private readonly lockKey: string;
  private readonly failureKey: string;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
    appId: string,
    mode: string,
    private readonly timeoutMs: number,
  ) {
    // One hash tag so the three keys share a cluster slot (MGET/MULTI stay legal on Redis Cluster).
    const base = `${keyPrefix}wechat:{access-token:${appId}:${mode}}`;
    this.tokenKey = base;
    this.lockKey = `${base}:lock`;
    this.failureKey = `${base}:failure`;
  }

  /** The cached token, or null. */
  async get(): Promise<CachedToken | null> {
    return parseToken(await this.guard('read', this.redis.get(this.tokenKey)));
  }

  /** Token, lock and last failure in one round trip. */
  async read(): Promise<TokenState> {
    const [token, lock, failure] = await this.guard(
      'read',
      this.redis.mget(this.tokenKey, this.lockKey, this.failureKey),
    );
    return { token: parseToken(token), locked: lock !== null, failure: parseFailure(failure) };
  }

  /** Stores a new token until it expires and clears any recorded failure. */
  async put(token: CachedToken, now: number): Promise<void> {
    const ttl = Math.max(1, token.expiresAt - now);
    await this.guard(
      'write',
      this.redis.multi().set(this.tokenKey, JSON.stringify(token), 'PX', ttl).del(this.failureKey).exec(),
    );
  }

  /** Deletes the cached token if it is still `token`; true when it was deleted. */
  async invalidateIfCurrent(token: string): Promise<boolean> {
    return (await this.guard('invalidate', this.redis.eval(INVALIDATE, 1, this.tokenKey, token))) === 1;
  }

  /** Takes the refresh lock; returns the value needed to release it, or null if another process holds it. */
  async tryLock(ttlMs: number): Promise<string | null> {
    const value = randomBytes(16).toString('hex');
    const ok = await this.guard('lock', this.redis.set(this.lockKey, value, 'PX', ttlMs, 'NX'));
    return ok === 'OK' ? value : null;
  }

  /** Releases the lock if it is still ours. */
  async unlock(value: string): Promise<void> {
    await this.guard('unlock', this.redis.eval(UNLOCK, 1, this.lockKey, value));
  }

  /** Remembers a failed refresh for `holdMs`. */
  async recordFailure(failure: RecordedFailure, holdMs: number): Promise<void> {
    await this.guard(
      'write',
      this.redis.set(this.failureKey, JSON.stringify(failure), 'PX', Math.max(1, holdMs)),
    );
  }

  /** Races a Redis command against the timeout; Redis errors never carry their arguments (the token) outward. */
  private async guard<T>(operation: string, command: Promise<T>): Promise<T> {
    // The command may still settle after the timeout; swallow that so it is not an unhandled rejection.
    command.catch(() => undefined);
    try {
      return await withTimeout(command, this.timeoutMs, {
        reject: () => new TokenStoreUnavailableError(operation, `no answer within ${this.timeoutMs} ms`),
      });
    } catch (error) {
      if (error instanceof TokenStoreUnavailableError) throw error;
      // Only the error's name and code: a Redis reply error may echo the command, which can hold the token.
      const { name, code } = error as { name?: string; code?: string };
      throw new TokenStoreUnavailableError(
        operation,
        `${name ?? 'Error'}${code ? ` (${code})` : ''} from Redis`,
      );
    }
  }
}

function parseToken(raw: string | null): CachedToken | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<CachedToken>;
    if (
      typeof value.token === 'string' &&
      typeof value.expiresAt === 'number' &&
      typeof value.fetchedAt === 'number' &&
      typeof value.refreshAfter === 'number'
    ) {
      return value as CachedToken;
    }
  } catch {
    // A corrupt entry counts as no entry; the next refresh overwrites it.
  }
  return null;
}

function parseFailure(raw: string | null): RecordedFailure | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<RecordedFailure>;
    if ((value.kind === 'api' || value.kind === 'transport') && typeof value.endpoint === 'string') {
      return value as RecordedFailure;
    }
  } catch {
    // ignored like a corrupt token
  }
  return null;
}
