import { XMLParser, XMLValidator, type EntityDecoderOptions } from 'fast-xml-parser';
import {
  MalformedXmlError,
  UnsafeXmlError,
  WeChatArgumentError,
  WeChatCallbackError,
  XmlTooLargeError,
} from './errors';

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

/** How deep elements may nest, the <xml> root being level 1; WeChat's callbacks go three levels down. */
const MAX_DEPTH = 32;

/**
 * Parses a WeChat XML document and returns the children of its `<xml>` root.
 * Refuses DOCTYPE/ENTITY declarations, oversize and malformed input; throws only
 * UnsafeXmlError, XmlTooLargeError or MalformedXmlError.
 *
 * fast-xml-parser does the reading, its validator first (it is the strict half: tags, names, attributes,
 * `&`), then its parser: element text trimmed, CDATA kept verbatim, XML's predefined and numeric
 * references decoded, attributes and processing instructions dropped, repeated elements become arrays.
 */
export function parseXml(input: string | Buffer | Uint8Array, options: ParseXmlOptions = {}): XmlRecord {
  const limit = options.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  let text = decode(input, limit);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 BOM is legal, if unusual
  refuseMarkup(text);
  const verdict = XMLValidator.validate(text);
  if (verdict !== true)
    throw new MalformedXmlError(detail(verdict.err.msg), verdict.err.line, verdict.err.col);
  let document: unknown;
  try {
    // The parser drops text outside the root unless markup follows it (the validator misses text after a
    // self-closing root): an empty CDATA section at the end makes any such text a second root, refused below.
    document = parser.parse(`${text}<![CDATA[]]>`);
  } catch (cause) {
    if (cause instanceof WeChatCallbackError) throw cause;
    // The validator accepted it, but the parser has limits of its own (nesting depth, reserved names).
    throw new MalformedXmlError(cause instanceof Error ? detail(cause.message) : 'unparseable');
  }
  if (!isRecord(document)) throw new MalformedXmlError('no root element');
  const roots = Object.keys(document);
  if (roots.includes('#text')) throw new MalformedXmlError('text outside the <xml> root');
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

const PREDEFINED = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
]);
const REFERENCE = /&(?:#x([0-9A-Fa-f]+);|#([0-9]+);|([A-Za-z_][\w.-]*);)?/g;

/**
 * The only entity decoding the parser does (it calls this for text and attribute values, never for
 * CDATA): XML's five predefined entities and character references. Any other name, a bare `&` or a
 * character XML cannot carry is malformed; a DOCTYPE that reached the parser is refused before any of
 * its entities is used.
 */
const xmlReferences: EntityDecoderOptions = {
  decode(text) {
    // Text ends at the next `<`; an attribute value may not hold one either (it could hide markup from
    // refuseMarkup).
    if (text.indexOf('<') >= 0) throw new MalformedXmlError('a < inside an attribute value');
    if (text.indexOf('&') < 0) return text;
    return text.replace(REFERENCE, (ref, hex?: string, decimal?: string, name?: string) => {
      if (name !== undefined) {
        const value = PREDEFINED.get(name);
        if (value === undefined) throw new MalformedXmlError(`undefined entity &${name.slice(0, 32)};`);
        return value;
      }
      if (hex === undefined && decimal === undefined) throw new MalformedXmlError('a bare & (write &amp;)');
      const code = hex !== undefined ? parseInt(hex, 16) : parseInt(decimal!, 10);
      if (!isXmlChar(code)) throw new MalformedXmlError(`${ref.slice(0, 16)} is not a character XML allows`);
      return String.fromCodePoint(code);
    });
  },
  addInputEntities() {
    throw new UnsafeXmlError('DOCTYPE');
  },
  setExternalEntities() {
    throw new UnsafeXmlError('ENTITY');
  },
  reset() {},
  setXmlVersion() {},
};

const parser = new XMLParser({
  // WeChat sends none: the validator checks their syntax, xmlReferences their values, then all are dropped.
  ignoreAttributes: () => true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false, // MsgId and CreateTime stay exact strings
  trimValues: true, // text between markup is trimmed; CDATA is never trimmed nor decoded
  htmlEntities: false,
  // On, so that the parser hands text to xmlReferences at all; DOCTYPE entities are refused there.
  processEntities: true,
  entityDecoder: xmlReferences,
  maxNestedTags: MAX_DEPTH - 1, // it counts the open elements above the one it opens
  jPath: false, // no option here reads an element's path; building it as a string costs per element
  // Names that could reach Object.prototype: the library refuses __proto__, constructor and prototype
  // itself and would rename hasOwnProperty, toString and the like; refuse those too.
  onDangerousProperty: (name) => {
    throw new MalformedXmlError(`<${name}> is not an element name this parser accepts`);
  },
  // `<!x>` is read as an element named "!x"; only reachable past refuseMarkup through a processing
  // instruction that hides markup.
  updateTag: (name) => {
    if (name.charCodeAt(0) === 0x21 /* ! */) throw new MalformedXmlError('unexpected markup declaration');
    return name;
  },
});

const DECLARATION = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;
const OTHER_MARKUP = /<!(?!--|\[CDATA\[)/;
// `</a/>`: the validator takes it for an empty element, the parser for a closing tag.
const SLASHED_CLOSING_TAG = /<\/[^<>]*\/>/;

/**
 * Refuses, before the library reads anything, what it must not read or would misread, outside CDATA
 * sections and comments: a DTD declaration (XXE, billion laughs: UnsafeXmlError), any other `<!` markup
 * and `</a/>` (MalformedXmlError).
 */
function refuseMarkup(text: string): void {
  if (text.indexOf('<!') < 0 && !SLASHED_CLOSING_TAG.test(text)) return;
  const markup = withoutSections(text);
  const declaration = DECLARATION.exec(markup);
  if (declaration) throw new UnsafeXmlError(declaration[1].toUpperCase());
  if (OTHER_MARKUP.test(markup)) throw new MalformedXmlError('unexpected markup declaration');
  if (SLASHED_CLOSING_TAG.test(markup)) throw new MalformedXmlError('a closing tag that ends in />');
}

/**
 * The text without its CDATA sections and comments, in one pass: an unterminated one hides nothing, and
 * once one kind is unterminated, every later one of that kind is too.
 */
function withoutSections(text: string): string {
  let out = '';
  let from = 0;
  let cdataCloses = true;
  let commentCloses = true;
  for (let at = text.indexOf('<!'); at >= 0;) {
    let end = -1;
    if (cdataCloses && text.startsWith('<![CDATA[', at)) {
      end = text.indexOf(']]>', at + 9);
      if (end < 0) cdataCloses = false;
    } else if (commentCloses && text.startsWith('<!--', at)) {
      end = text.indexOf('-->', at + 4);
      if (end < 0) commentCloses = false;
    }
    if (end < 0) {
      at = text.indexOf('<!', at + 2);
      continue;
    }
    out += text.slice(from, at);
    from = end + 3;
    at = text.indexOf('<!', from);
  }
  return out + text.slice(from);
}

/** The library's words, cut short: some quote the document (every unclosed tag name, say), which is the sender's. */
function detail(message: string): string {
  const text = message.replace(/\.+$/, '');
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

function isXmlChar(c: number): boolean {
  return (
    c === 0x9 ||
    c === 0xa ||
    c === 0xd ||
    (c >= 0x20 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

function isRecord(value: unknown): value is XmlRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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

/** Reads a child element as text; undefined when absent; throws nothing. Repeated or nested elements give undefined. */
export function xmlText(record: XmlRecord, name: string): string | undefined {
  if (!Object.hasOwn(record, name)) return undefined;
  const value = record[name];
  return typeof value === 'string' ? value : undefined;
}

// A parser turns a CR inside CDATA into LF (XML's end-of-line rule); written as a reference between two
// sections it stays a CR.
const CDATA_BREAKS = /\]\]>|\r/g;

// Characters XML 1.0 cannot carry at all, even inside CDATA.
const INVALID_XML_CHARS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Wraps text in CDATA so that any content, `]]>` and CR included, survives; drops characters XML cannot carry. */
export function cdata(text: string): string {
  const clean = text.replace(INVALID_XML_CHARS, '');
  return `<![CDATA[${clean.replace(CDATA_BREAKS, (m) => (m === '\r' ? ']]>&#13;<![CDATA[' : ']]]]><![CDATA[>'))}]]>`;
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
