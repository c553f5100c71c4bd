import {
  ContractViolationError,
  Events,
  Requests,
  encode,
  validate,
  type EventContract,
  type ReplyScanRequest,
} from '@mirror/contracts';
import { callbackDedupKey, type CallbackMessage, type XmlRecord } from '@mirror/wechat';
import { InvalidEventError } from './callback.errors';

/** One durable event to publish; `msgID` is its JetStream de-duplication id (and its `eventId`). */
export interface PlannedEvent {
  contract: EventContract;
  /**
   * The whole payload. One that awaits the reply is planned with `needsPush: false`, as it goes out with a
   * passive reply (the usual outcome); `finalEvent` settles it.
   */
  payload: Record<string, unknown>;
  /** `payload` encoded through its contract, which validated it as a whole: the bytes that are published. */
  data: Uint8Array;
  msgID: string;
  /** Carries `needsPush`, known only once binding answered (or did not). */
  awaitsReply: boolean;
}

/** What one verified callback turns into: events, and whether binding is asked for a passive reply. */
export interface CallbackPlan {
  /** The de-duplication key WeChat's retries share. */
  eventId: string;
  events: PlannedEvent[];
  replyRequest: ReplyScanRequest | null;
}

/** binding.reply.scan accepts this much of a text message; the event keeps all of it. */
const REPLY_REQUEST_MAX_CONTENT = 2048;

/**
 * Maps a callback onto the `wechat.*` subjects (DESIGN.md) and encodes every payload through its contract
 * before anything is published, so a callback that cannot make valid events publishes nothing (and binding
 * is never asked about it).
 */
export function planCallback(message: CallbackMessage): CallbackPlan {
  const eventId = callbackDedupKey(message);
  const base = { v: 1, eventId, openid: message.openid, at: isoSeconds(message.createTime) };
  const events: PlannedEvent[] = [];
  let replyRequest: ReplyScanRequest | null = null;
  const add = (
    contract: EventContract,
    payload: Record<string, unknown>,
    suffix = '',
    awaitsReply = false,
  ) => {
    const msgID = eventId + suffix;
    const whole = awaitsReply
      ? { ...payload, eventId: msgID, needsPush: false }
      : { ...payload, eventId: msgID };
    events.push({ contract, payload: whole, data: encodeEvent(contract, whole), msgID, awaitsReply });
  };

  switch (message.kind) {
    case 'subscribe':
      if (message.qr) {
        const { scene, ticket } = message.qr;
        add(Events.qrScanned, { ...base, scene, ticket: ticket ?? undefined, newFollower: true }, '', true);
        add(Events.userSubscribed, { ...base, scene }, '-subscribed');
        replyRequest = { v: 1, trigger: 'scan', eventId, openid: message.openid, scene };
      } else {
        add(Events.userSubscribed, base);
      }
      break;
    case 'scan': {
      const { scene, ticket } = message.qr;
      add(Events.qrScanned, { ...base, scene, ticket: ticket ?? undefined, newFollower: false }, '', true);
      replyRequest = { v: 1, trigger: 'scan', eventId, openid: message.openid, scene };
      break;
    }
    case 'unsubscribe':
      add(Events.userUnsubscribed, base);
      break;
    case 'product-scan': {
      const { keyStandard, keyStr, extInfo } = message.product;
      add(Events.productScanned, {
        ...base,
        event: message.event,
        keyStandard,
        keyStr,
        extInfo: extInfo ?? undefined,
      });
      // Following through a product code is still a follow.
      if (message.event === 'subscribe') add(Events.userSubscribed, base, '-subscribed');
      break;
    }
    case 'text':
      add(
        Events.messageReceived,
        {
          ...base,
          msgType: 'text',
          msgId: message.msgId,
          content: message.content,
          fields: flat(message.fields),
        },
        '',
        true,
      );
      replyRequest = {
        v: 1,
        trigger: 'text',
        eventId,
        openid: message.openid,
        content: truncate(message.content, REPLY_REQUEST_MAX_CONTENT),
      };
      break;
    case 'event':
      add(Events.messageReceived, {
        ...base,
        msgType: message.msgType,
        event: message.event,
        fields: flat(message.fields),
      });
      break;
    case 'message':
      add(Events.messageReceived, {
        ...base,
        msgType: message.msgType,
        msgId: message.msgId ?? undefined,
        fields: flat(message.fields),
      });
      break;
  }
  if (replyRequest) {
    replyRequest = checked<ReplyScanRequest>(
      Requests.replyScan.subject,
      Requests.replyScan.request,
      replyRequest,
    );
  }
  return { eventId, events, replyRequest };
}

/**
 * The event as published once `needsPush` is known: as planned, or, when an event that awaited a passive
 * reply got none, its payload with `needsPush: true`, encoded (and so validated as a whole) afresh.
 */
export function finalEvent(event: PlannedEvent, needsPush: boolean): PlannedEvent {
  if (!event.awaitsReply || event.payload.needsPush === needsPush) return event;
  const payload = { ...event.payload, needsPush };
  return { ...event, payload, data: encode(event.contract, payload) };
}

/** Encodes an event payload; a violation is the callback's fault, so it becomes a 400. */
function encodeEvent(contract: EventContract, payload: Record<string, unknown>): Uint8Array {
  try {
    return encode(contract, payload);
  } catch (e) {
    if (e instanceof ContractViolationError) throw new InvalidEventError(contract.subject, e.message);
    throw e;
  }
}

/** Validates a payload against its schema; a violation is the callback's fault, so it becomes a 400. */
function checked<T>(subject: string, schema: Parameters<typeof validate>[1], payload: object): T {
  try {
    return validate(subject, schema, payload) as T;
  } catch (e) {
    if (e instanceof ContractViolationError) throw new InvalidEventError(subject, e.message);
    throw e;
  }
}

/** WeChat stamps whole seconds; the event carries the moment the customer acted. */
function isoSeconds(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** The callback's fields as strings; nested elements (e.g. ScanCodeInfo) as JSON; never the ciphertext. */
function flat(fields: XmlRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'Encrypt') continue;
    out[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  // Never leave half a surrogate pair at the end.
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
