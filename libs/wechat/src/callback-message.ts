import { createHash } from 'node:crypto';
import { InvalidCallbackMessageError } from './errors';
import { parseXml, ParseXmlOptions, XmlRecord, xmlText } from './xml';

/** Prefix WeChat puts before the scene in a follow-by-QR `subscribe` event. Only the leading one is ours to strip. */
export const QR_SCENE_PREFIX = 'qrscene_';

/** The product-code (扫一扫 商品) events. */
export const PRODUCT_SCAN_EVENTS = [
  'user_scan_product',
  'user_scan_product_enter_session',
  'user_scan_product_async',
  'user_scan_product_verify_action',
] as const;
export type ProductScanEvent = (typeof PRODUCT_SCAN_EVENTS)[number];

/** What every callback has. `fields` keeps every element for consumers that need more. */
export interface CallbackBase {
  /** The account's original id (gh_…). */
  toUserName: string;
  /** The customer's openid. */
  openid: string;
  /** Seconds since the epoch, as WeChat stamped it. */
  createTime: number;
  msgType: string;
  fields: XmlRecord;
}

/** A scene QR code that was scanned. */
export interface QrScan {
  scene: string;
  ticket: string | null;
}

/** A product code that was scanned. */
export interface ProductScan {
  keyStandard: string;
  keyStr: string;
  extInfo: string | null;
  /** The scene from `scene|keystandard|keystr|extinfo`, or the Scene field of the event; null when absent. */
  scene: string | null;
}

export interface SubscribeMessage extends CallbackBase {
  kind: 'subscribe';
  event: 'subscribe';
  /** Set when the follow came from a scene QR code. */
  qr: QrScan | null;
}
export interface ScanMessage extends CallbackBase {
  kind: 'scan';
  event: 'SCAN';
  qr: QrScan;
}
export interface UnsubscribeMessage extends CallbackBase {
  kind: 'unsubscribe';
  event: 'unsubscribe';
}
export interface ProductScanMessage extends CallbackBase {
  kind: 'product-scan';
  event: ProductScanEvent | 'subscribe';
  product: ProductScan;
}
export interface TextMessage extends CallbackBase {
  kind: 'text';
  msgId: string;
  content: string;
}
/** Any other event (CLICK, VIEW, LOCATION, TEMPLATESENDJOBFINISH, ones WeChat adds tomorrow). */
export interface OtherEventMessage extends CallbackBase {
  kind: 'event';
  event: string;
  eventKey: string | null;
}
/** Any other message type (image, voice, video, location, link, unknown). */
export interface OtherMessage extends CallbackBase {
  kind: 'message';
  msgId: string | null;
}

/** Every callback, discriminated by `kind`. */
export type CallbackMessage =
  | SubscribeMessage
  | ScanMessage
  | UnsubscribeMessage
  | ProductScanMessage
  | TextMessage
  | OtherEventMessage
  | OtherMessage;

/**
 * Parses a decrypted callback body into a typed message. Unknown MsgType/Event values are accepted.
 * Throws only WeChatCallbackError subclasses (malformed/unsafe XML, missing fields).
 */
export function parseCallbackMessage(
  xml: string | Buffer | Uint8Array,
  options?: ParseXmlOptions,
): CallbackMessage {
  return callbackMessageFromRecord(parseXml(xml, options));
}

/** Turns already-parsed `<xml>` children into a typed message (see parseCallbackMessage). */
export function callbackMessageFromRecord(fields: XmlRecord): CallbackMessage {
  const createTime = required(fields, 'CreateTime');
  if (!/^\d{1,12}$/.test(createTime))
    throw new InvalidCallbackMessageError('CreateTime', 'must be whole seconds');
  const base: CallbackBase = {
    toUserName: required(fields, 'ToUserName'),
    openid: required(fields, 'FromUserName'),
    createTime: Number(createTime),
    msgType: required(fields, 'MsgType'),
    fields,
  };
  if (base.msgType === 'event') return parseEvent(base, required(fields, 'Event'));
  if (base.msgType === 'text') {
    const content = optional(fields, 'Content');
    if (content === null) throw new InvalidCallbackMessageError('Content', 'is required in a text message');
    return { ...base, kind: 'text', msgId: required(fields, 'MsgId'), content };
  }
  return { ...base, kind: 'message', msgId: optional(fields, 'MsgId') };
}

function parseEvent(base: CallbackBase, event: string): CallbackMessage {
  const eventKey = optional(base.fields, 'EventKey');
  const ticket = optional(base.fields, 'Ticket') || null;
  switch (event) {
    case 'subscribe': {
      if (!eventKey) return { ...base, kind: 'subscribe', event, qr: null };
      const key = eventKey.startsWith(QR_SCENE_PREFIX) ? eventKey.slice(QR_SCENE_PREFIX.length) : eventKey;
      // A product-code follow carries no ticket and the four-part key; a QR follow has a ticket.
      const product = ticket ? null : productFromKey(key);
      if (product) return { ...base, kind: 'product-scan', event, product };
      if (!key) throw new InvalidCallbackMessageError('EventKey', 'names an empty scene');
      return { ...base, kind: 'subscribe', event, qr: { scene: key, ticket } };
    }
    case 'SCAN':
      // SCAN carries the bare scene: nothing to strip, even if the scene itself starts with qrscene_.
      if (!eventKey) throw new InvalidCallbackMessageError('EventKey', 'is required in a SCAN event');
      return { ...base, kind: 'scan', event, qr: { scene: eventKey, ticket } };
    case 'unsubscribe':
      return { ...base, kind: 'unsubscribe', event };
    default:
      if ((PRODUCT_SCAN_EVENTS as readonly string[]).includes(event)) {
        return {
          ...base,
          kind: 'product-scan',
          event: event as ProductScanEvent,
          product: productFromFields(base),
        };
      }
      return { ...base, kind: 'event', event, eventKey };
  }
}

/** `scene|keystandard|keystr|extinfo`; null when the key does not have that form. */
export function productFromKey(key: string): ProductScan | null {
  const parts = key.split('|');
  if (parts.length !== 4 || !parts[1] || !parts[2]) return null;
  return { scene: parts[0] || null, keyStandard: parts[1], keyStr: parts[2], extInfo: parts[3] || null };
}

function productFromFields(base: CallbackBase): ProductScan {
  return {
    keyStandard: required(base.fields, 'KeyStandard'),
    keyStr: required(base.fields, 'KeyStr'),
    extInfo: optional(base.fields, 'ExtInfo') || null,
    scene: optional(base.fields, 'Scene') || null,
  };
}

function required(fields: XmlRecord, name: string): string {
  const value = optional(fields, name);
  if (value === null || value === '') throw new InvalidCallbackMessageError(name, 'is required');
  return value;
}

function optional(fields: XmlRecord, name: string): string | null {
  if (!Object.hasOwn(fields, name)) return null;
  const value = xmlText(fields, name);
  if (value === undefined) throw new InvalidCallbackMessageError(name, 'must be a single text element');
  return value;
}

/**
 * The de-duplication key WeChat's retries share: `MsgId` when present, else
 * FromUserName + CreateTime + Event + EventKey. Safe as a Redis key and a NATS msgID.
 */
export function callbackDedupKey(message: CallbackMessage): string {
  const text = (name: string): string => xmlText(message.fields, name) ?? '';
  const msgId = text('MsgId') || text('MsgID');
  if (msgId && /^[A-Za-z0-9_-]{1,64}$/.test(msgId)) return `wx-msg-${msgId}`;
  const parts = [
    message.openid,
    String(message.createTime),
    message.msgType,
    text('Event'),
    text('EventKey'),
    msgId,
  ];
  // Length-prefixed so no two different tuples hash the same input.
  const canonical = parts.map((p) => `${p.length}:${p}`).join('|');
  return `wx-evt-${createHash('sha256').update(canonical).digest('hex').slice(0, 40)}`;
}
