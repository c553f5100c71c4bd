import { z } from 'zod';
import { ContractViolationError } from './contract-violation.error';

export type StreamName = 'SESSIONS' | 'QR' | 'PHOTOS_IN' | 'PHOTOS' | 'WECHAT' | 'DLQ';

/** A durable event: published on JetStream, consumed by durable consumers. */
export interface EventContract<S extends z.ZodTypeAny = z.ZodTypeAny> {
  readonly kind: 'event';
  readonly subject: string;
  readonly stream: StreamName;
  readonly schema: S;
}

/** A core NATS message whose payload is JSON (display, gesture). */
export interface MessageContract<S extends z.ZodTypeAny = z.ZodTypeAny> {
  readonly kind: 'message';
  readonly subject: string;
  readonly schema: S;
}

/** A request/reply pair: the request schema and the data carried by a successful reply. */
export interface RequestContract<
  Req extends z.ZodTypeAny = z.ZodTypeAny,
  Res extends z.ZodTypeAny = z.ZodTypeAny,
> {
  readonly kind: 'request';
  readonly subject: string;
  readonly request: Req;
  readonly response: Res;
}

export type Payload<C> =
  C extends EventContract<infer S>
    ? z.infer<S>
    : C extends MessageContract<infer S>
      ? z.infer<S>
      : C extends RequestContract<infer R>
        ? z.infer<R>
        : never;
export type PayloadInput<C> =
  C extends EventContract<infer S>
    ? z.input<S>
    : C extends MessageContract<infer S>
      ? z.input<S>
      : C extends RequestContract<infer R>
        ? z.input<R>
        : never;
export type ResponseOf<C> = C extends RequestContract<z.ZodTypeAny, infer R> ? z.infer<R> : never;

export function defineEvent<S extends z.ZodTypeAny>(
  subject: string,
  stream: StreamName,
  schema: S,
): EventContract<S> {
  return { kind: 'event', subject, stream, schema };
}
export function defineMessage<S extends z.ZodTypeAny>(subject: string, schema: S): MessageContract<S> {
  return { kind: 'message', subject, schema };
}
export function defineRequest<Req extends z.ZodTypeAny, Res extends z.ZodTypeAny>(
  subject: string,
  request: Req,
  response: Res,
): RequestContract<Req, Res> {
  return { kind: 'request', subject, request, response };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Validates any value against a schema, throwing ContractViolationError naming the bad field. */
export function validate<S extends z.ZodTypeAny>(subject: string, schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw ContractViolationError.fromZod(subject, result.error.issues);
  return result.data;
}

/** Parses JSON bytes and validates them; malformed JSON is a violation of the root. */
export function decodeJson<S extends z.ZodTypeAny>(subject: string, schema: S, data: Uint8Array): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(data));
  } catch {
    throw new ContractViolationError(subject, [{ field: '', message: 'is not UTF-8 JSON' }]);
  }
  return validate(subject, schema, value);
}

/** Validates then serialises, so nothing invalid ever leaves a producer. */
export function encodeJson<S extends z.ZodTypeAny>(
  subject: string,
  schema: S,
  value: z.input<S>,
): Uint8Array {
  return encoder.encode(JSON.stringify(validate(subject, schema, value)));
}

/** Decodes the payload of an event or core message. */
export function decode<C extends EventContract | MessageContract>(contract: C, data: Uint8Array): Payload<C> {
  return decodeJson(contract.subject, contract.schema, data);
}

/** Validates and encodes the payload of an event or core message. */
export function encode<C extends EventContract | MessageContract>(
  contract: C,
  value: PayloadInput<C>,
): Uint8Array {
  return encodeJson(contract.subject, contract.schema, value);
}
