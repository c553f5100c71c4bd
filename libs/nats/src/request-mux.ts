import {
  createInbox,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';

/** What a request came back with: the answer, nobody to answer, or nothing in time. */
export type MuxOutcome = { kind: 'answer'; msg: Msg } | { kind: 'no-responders' } | { kind: 'timeout' };

interface Pending {
  resolve: (outcome: MuxOutcome) => void;
  timer: NodeJS.Timeout;
}

const NO_RESPONDERS = 503;

/**
 * Request/reply over one wildcard inbox subscription: every request gets a token under the inbox, answers
 * are routed by token. It does what nats.js `request()` does for a single answer, minus the per-request
 * Error objects, deferreds and codec layers that made a request cost more than the rest of a WeChat
 * callback (bench/gateway). Outcomes are values, not exceptions: a timeout or "no responders" is a normal
 * answer on the hot path.
 *
 * The subscription is re-established by nats.js after a reconnect, so requests made while disconnected are
 * buffered and answered, or time out, like any other.
 */
export class RequestMux {
  private readonly inbox: string;
  private readonly pending = new Map<string, Pending>();
  private readonly subscription: Subscription;
  private next = 0;

  /** `inboxPrefix`: the connection's own (on a locked bus a user may read only its own inboxes). */
  constructor(
    private readonly nc: NatsConnection,
    inboxPrefix?: string,
  ) {
    this.inbox = `${createInbox(inboxPrefix)}.`;
    this.subscription = nc.subscribe(`${this.inbox}*`, {
      callback: (err, msg) => {
        if (err) return;
        const token = msg.subject.slice(this.inbox.length);
        const waiting = this.pending.get(token);
        if (!waiting) return; // late: the request already timed out
        this.pending.delete(token);
        clearTimeout(waiting.timer);
        const status = msg.headers?.code ?? 0;
        waiting.resolve(
          status === NO_RESPONDERS && msg.data.length === 0
            ? { kind: 'no-responders' }
            : { kind: 'answer', msg },
        );
      },
    });
  }

  /** Requests in flight. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Publishes `data` to `subject` with a reply inbox and waits up to `timeoutMs` for the first answer.
   * Throws only what publishing itself throws (a closed connection, an oversized payload).
   */
  request(subject: string, data: Uint8Array, timeoutMs: number, headers?: MsgHdrs): Promise<MuxOutcome> {
    const token = (this.next++).toString(36);
    this.nc.publish(subject, data, { reply: this.inbox + token, headers });
    return new Promise<MuxOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        resolve({ kind: 'timeout' });
      }, timeoutMs);
      this.pending.set(token, { resolve, timer });
    });
  }

  /** Ends every request in flight as timed out and stops listening. */
  close(): void {
    for (const [token, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      this.pending.delete(token);
      waiting.resolve({ kind: 'timeout' });
    }
    if (!this.subscription.isClosed()) this.subscription.unsubscribe();
  }
}
