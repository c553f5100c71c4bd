import { SetMetadata } from '@nestjs/common';
import type { EventContract, RequestContract, StreamName } from '@mirror/contracts';

export const NATS_HANDLER = Symbol('NATS_HANDLER');

export interface JetStreamHandlerOptions {
  stream: StreamName;
  subject: string;
  /** Durable consumer name, unique per service and purpose, e.g. `binding-photo-stored`. */
  durable: string;
  /** When set, the payload is decoded and validated as JSON; otherwise the handler gets the bytes. */
  contract?: EventContract;
  concurrency?: number;
  maxDeliver?: number;
  ackWaitMs?: number;
  backoffMs?: number[];
}

export type NatsHandlerMetadata =
  | { kind: 'jetstream'; options: JetStreamHandlerOptions }
  | { kind: 'request'; contract: RequestContract; queue?: string }
  | { kind: 'core'; subject: string; queue?: string };

/** Handles a durable JetStream event: `(payload, ctx: EventContext) => Promise<void>`; ack follows success. */
export function OnEvent(
  contract: EventContract,
  options: Omit<JetStreamHandlerOptions, 'stream' | 'subject' | 'contract'>,
) {
  return SetMetadata<symbol, NatsHandlerMetadata>(NATS_HANDLER, {
    kind: 'jetstream',
    options: { ...options, stream: contract.stream, subject: contract.subject, contract },
  });
}

/** Handles raw JetStream messages (e.g. photo bytes): `(data: Uint8Array, ctx: EventContext) => Promise<void>`. */
export function OnJetStream(options: JetStreamHandlerOptions) {
  return SetMetadata<symbol, NatsHandlerMetadata>(NATS_HANDLER, { kind: 'jetstream', options });
}

/** Answers a request/reply subject in a queue group: `(request, msg) => Promise<response>`. */
export function OnRequest(contract: RequestContract, options: { queue?: string } = {}) {
  return SetMetadata<symbol, NatsHandlerMetadata>(NATS_HANDLER, {
    kind: 'request',
    contract,
    queue: options.queue,
  });
}

/** Handles core NATS messages (frames): `(msg: Msg, subject: string) => void | Promise<void>`. */
export function OnMessage(subject: string, options: { queue?: string } = {}) {
  return SetMetadata<symbol, NatsHandlerMetadata>(NATS_HANDLER, {
    kind: 'core',
    subject,
    queue: options.queue,
  });
}
