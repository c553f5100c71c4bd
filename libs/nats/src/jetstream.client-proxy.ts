import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { PubAck } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ContractViolationError, eventContractFor, requestContractFor } from '@mirror/contracts';
import { UnknownSubjectError } from './errors';
import type { Headers, NatsClient } from './nats.client';

const MSG_ID_HEADER = 'Nats-Msg-Id';

/** A payload with what NATS needs besides it: `client.emit(subject, new JetStreamRecord(event, {msgID}))`. */
export class JetStreamRecord<T = unknown> {
  constructor(
    readonly payload: T,
    readonly options: {
      /** JetStream de-duplication key; also taken from a `Nats-Msg-Id` header. */
      msgID?: string;
      headers?: Headers;
      /** `send` only: how long to wait for the answer (default 2 s). */
      timeoutMs?: number;
    } = {},
  ) {}
}

/**
 * Nest's ClientProxy over the service's NatsClient, for code written against the ClientProxy API:
 * `emit(subject, record)` is a contract-checked JetStream publish (resolving to the PubAck), `send(subject,
 * payload)` a contract-checked request resolving to the response. Failures are NatsClient's typed errors
 * (RequestRefusedError, NoRespondersError, RequestTimeoutError, JetStreamPublishError). NatsClient stays the
 * typed API; the connection belongs to NatsModule, so `close()` leaves it open.
 */
export class JetStreamClientProxy extends ClientProxy {
  constructor(private readonly client: NatsClient) {
    super();
  }

  connect(): Promise<NatsConnection> {
    return Promise.resolve(this.client.nc);
  }

  close(): void {
    // NatsModule drains the connection on application shutdown
  }

  unwrap<T>(): T {
    return this.client.nc as T;
  }

  protected async dispatchEvent<T = PubAck>(packet: ReadPacket): Promise<T> {
    const subject = String(packet.pattern);
    const contract = eventContractFor(subject);
    if (!contract) throw new UnknownSubjectError(subject, 'event');
    const { payload, options } = unpack(packet.data);
    const msgID = options.msgID ?? options.headers?.[MSG_ID_HEADER];
    if (!msgID) {
      throw new ContractViolationError(subject, [
        {
          field: MSG_ID_HEADER,
          message: 'a JetStream event needs a msgID (the business key) to be de-duplicated',
        },
      ]);
    }
    return (await this.client.publish(contract, payload as never, { msgID, headers: options.headers })) as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    let cancelled = false;
    const subject = String(packet.pattern);
    const contract = requestContractFor(subject);
    const { payload, options } = unpack(packet.data);
    const answer = contract
      ? this.client.request(contract, payload, { timeoutMs: options.timeoutMs, headers: options.headers })
      : Promise.reject(new UnknownSubjectError(subject, 'request'));
    answer.then(
      (response: unknown) => !cancelled && callback({ response, isDisposed: true }),
      (err: unknown) => !cancelled && callback({ err }),
    );
    return () => {
      cancelled = true;
    };
  }
}

function unpack(data: unknown): { payload: unknown; options: JetStreamRecord['options'] } {
  return data instanceof JetStreamRecord
    ? { payload: data.payload, options: data.options }
    : { payload: data, options: {} };
}
