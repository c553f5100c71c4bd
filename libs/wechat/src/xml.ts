import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MalformedXmlError, UnsafeXmlError, WeChatArgumentError, XmlTooLargeError } from './errors';

/** A parsed element: text, a record of child elements, or repeated elements. */
export type XmlValue = string | XmlRecord | XmlValue[];
/** The children of one element, by name. Read it with `Object.hasOwn`, never by bare property access. */
export interface XmlRecord {
  [name: string]: XmlValue;
}

export interface ParseXmlOptions {
  /** Largest accepted document in bytes (UTF-8). Default 64 KiB, WeChat's callbacks are a few hundred bytes. */
  maxBytes?: number;
}

export const DEFAULT_MAX_XML_BYTES = 64 * 1024;

const CDATA_OR_COMMENT = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->/g;
const DECLARATION = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false, // MsgId and CreateTime stay exact strings
  trimValues: true, // whitespace between elements is layout; CDATA content is kept verbatim
  processEntities: true, // the predefined ones and numeric references; DOCTYPE entities never get here
  htmlEntities: true,
});

/**
 * Parses a WeChat XML document and returns the children of its `<xml>` root.
 * Refuses DOCTYPE/ENTITY declarations, oversize and malformed input; throws only
 * UnsafeXmlError, XmlTooLargeError or MalformedXmlError.
 */
export function parseXml(input: string | Buffer | Uint8Array, options: ParseXmlOptions = {}): XmlRecord {
  const limit = options.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  let text = decode(input, limit);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 BOM is legal, if unusual
  // Cheap scan first; only when something looks like a declaration, look again outside CDATA and comments.
  if (DECLARATION.test(text)) {
    const declaration = DECLARATION.exec(text.replace(CDATA_OR_COMMENT, ''));
    if (declaration) throw new UnsafeXmlError(declaration[1].toUpperCase());
  }

  const verdict = XMLValidator.validate(text, { allowBooleanAttributes: true });
  if (verdict !== true) {
    throw new MalformedXmlError(verdict.err.msg, verdict.err.line, verdict.err.col);
  }
  let document: unknown;
  try {
    document = parser.parse(text);
  } catch (cause) {
    // The validator accepted it, but the parser has its own limits (e.g. nesting depth).
    throw new MalformedXmlError(cause instanceof Error ? cause.message : 'unparseable');
  }
  if (!isRecord(document)) throw new MalformedXmlError('no root element');
  const roots = Object.keys(document);
  if (roots.length !== 1 || roots[0] !== 'xml') {
    throw new MalformedXmlError(
      `expected a single <xml> root, found ${roots.map((r) => `<${r}>`).join(', ') || 'none'}`,
    );
  }
  const root = document.xml;
  if (root === '') return {};
  if (!isRecord(root)) throw new MalformedXmlError('the <xml> root must contain elements, not text');
  return root;
}

function decode(input: string | Buffer | Uint8Array, limit: number): string {
  if (typeof input === 'string') {
    // A UTF-16 unit is at most 3 UTF-8 bytes: only measure when the string could be too large.
    if (input.length * 3 > limit) {
      const bytes = Buffer.byteLength(input, 'utf8');
      if (bytes > limit) throw new XmlTooLargeError(bytes, limit);
    }
    return input;
  }
  if (input.byteLength > limit) throw new XmlTooLargeError(input.byteLength, limit);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    throw new MalformedXmlError('body is not valid UTF-8');
  }
}

function isRecord(value: unknown): value is XmlRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a child element as text; undefined when absent; throws nothing. Repeated or nested elements give undefined. */
export function xmlText(record: XmlRecord, name: string): string | undefined {
  if (!Object.hasOwn(record, name)) return undefined;
  const value = record[name];
  return typeof value === 'string' ? value : undefined;
}

// Characters XML 1.0 cannot carry at all, even inside CDATA.
const INVALID_XML_CHARS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Wraps text in CDATA so that any content, including `]]>`, survives; drops characters XML cannot carry. */
export function cdata(text: string): string {
  const clean = text.replace(INVALID_XML_CHARS, '');
  return `<![CDATA[${clean.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

/** A value `buildXml` can render: strings become CDATA, numbers bare text, records nested elements. */
export type XmlBuildValue = string | number | bigint | XmlBuildRecord | readonly XmlBuildValue[];
export interface XmlBuildRecord {
  readonly [name: string]: XmlBuildValue | undefined;
}

const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Renders `<xml>…</xml>` (or another root) from a record; `undefined` fields are left out. */
export function buildXml(fields: XmlBuildRecord, rootName = 'xml'): string {
  return element(rootName, fields);
}

function element(name: string, value: XmlBuildValue): string {
  if (!ELEMENT_NAME.test(name))
    throw new WeChatArgumentError('XML element name', `"${name}" is not a valid name`);
  if (Array.isArray(value)) return value.map((item) => element(name, item as XmlBuildValue)).join('');
  return `<${name}>${content(name, value)}</${name}>`;
}

function content(name: string, value: XmlBuildValue): string {
  if (typeof value === 'string') return cdata(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new WeChatArgumentError(name, 'must be a finite number');
    return String(value);
  }
  let out = '';
  for (const [child, childValue] of Object.entries(value as XmlBuildRecord)) {
    if (childValue !== undefined) out += element(child, childValue);
  }
  return out;
}
