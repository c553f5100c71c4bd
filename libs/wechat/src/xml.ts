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

/**
 * Parses a WeChat XML document and returns the children of its `<xml>` root.
 * Refuses DOCTYPE/ENTITY declarations, oversize and malformed input; throws only
 * UnsafeXmlError, XmlTooLargeError or MalformedXmlError.
 *
 * One strict pass over the text (see XmlReader): element text is trimmed, CDATA kept verbatim, the
 * predefined and numeric entities decoded, attributes checked and ignored, repeated elements become arrays.
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
  const root = new XmlReader(text).document();
  if (root === '') return {};
  if (typeof root === 'string') throw new MalformedXmlError('the <xml> root must contain elements, not text');
  return root;
}

/** How deep elements may nest; WeChat's callbacks go three levels down. */
const MAX_DEPTH = 32;
const NAME = /^[A-Za-z_:\u00C0-\uFFFF][A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]*$/;
const ATTRIBUTE = /\s*([^\s=/>]+)\s*=\s*(?:"[^"<]*"|'[^'<]*')/y;
const ENTITY = /&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);/g;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

/**
 * A strict, single-pass reader for the XML WeChat sends: elements, text, CDATA, comments, processing
 * instructions and attributes (read, checked, dropped). Anything else — an unclosed or mismatched tag,
 * a bare `&`, an unknown entity, text or a second element after the root — is a MalformedXmlError.
 */
class XmlReader {
  private pos = 0;

  constructor(private readonly s: string) {}

  document(): string | XmlRecord {
    this.misc();
    if (this.s.charCodeAt(this.pos) !== 0x3c /* < */ || this.s.startsWith('</', this.pos))
      this.fail(this.pos >= this.s.length ? 'no root element' : 'expected the <xml> root element');
    const start = this.pos;
    const [name, value] = this.element(1);
    if (name !== 'xml') {
      this.pos = start;
      this.fail(`expected a single <xml> root, found <${name}>`);
    }
    this.misc();
    if (this.pos < this.s.length) this.fail('content after the root element');
    return value;
  }

  /** Whitespace, comments and processing instructions, as allowed around the root. */
  private misc(): void {
    const s = this.s;
    for (;;) {
      while (isSpace(s.charCodeAt(this.pos))) this.pos++;
      if (s.startsWith('<?', this.pos)) this.pos = this.past('?>', 'processing instruction');
      else if (s.startsWith('<!--', this.pos)) this.pos = this.past('-->', 'comment');
      else return;
    }
  }

  /** An element starting at `<`; returns its name and value. */
  private element(depth: number): [string, string | XmlRecord] {
    if (depth > MAX_DEPTH) this.fail(`elements nested deeper than ${MAX_DEPTH}`);
    const s = this.s;
    this.pos++; // <
    const name = this.name();
    // attributes, then `>` or `/>`
    for (;;) {
      while (isSpace(s.charCodeAt(this.pos))) this.pos++;
      const c = s.charCodeAt(this.pos);
      if (c === 0x3e /* > */) {
        this.pos++;
        break;
      }
      if (c === 0x2f /* / */ && s.charCodeAt(this.pos + 1) === 0x3e) {
        this.pos += 2;
        return [name, ''];
      }
      ATTRIBUTE.lastIndex = this.pos;
      if (!isSpace(s.charCodeAt(this.pos - 1)) || !ATTRIBUTE.test(s))
        this.fail(`bad attribute or unclosed tag <${name}>`);
      this.pos = ATTRIBUTE.lastIndex;
    }
    let children: XmlRecord | null = null;
    let text = '';
    for (;;) {
      const lt = s.indexOf('<', this.pos);
      if (lt < 0) {
        this.pos = s.length;
        this.fail(`<${name}> is not closed`);
      }
      if (lt > this.pos) text += this.text(this.pos, lt);
      this.pos = lt;
      if (s.startsWith('</', lt)) {
        this.pos += 2;
        const closing = this.name();
        while (isSpace(s.charCodeAt(this.pos))) this.pos++;
        if (closing !== name || s.charCodeAt(this.pos) !== 0x3e)
          this.fail(`<${name}> closed by </${closing}>`, lt);
        this.pos++;
        break;
      }
      if (s.startsWith('<![CDATA[', lt)) {
        const end = this.past(']]>', 'CDATA section');
        text += s.slice(lt + 9, end - 3);
        this.pos = end;
      } else if (s.startsWith('<!--', lt)) {
        this.pos = this.past('-->', 'comment');
      } else if (s.startsWith('<?', lt)) {
        this.pos = this.past('?>', 'processing instruction');
      } else if (s.startsWith('<!', lt)) {
        this.fail('unexpected markup declaration');
      } else {
        const [child, value] = this.element(depth + 1);
        children ??= {};
        add(children, child, value);
      }
    }
    if (children === null) return [name, text];
    if (text !== '') add(children, '#text', text);
    return [name, children];
  }

  private name(): string {
    const s = this.s;
    const start = this.pos;
    let end = start;
    for (;;) {
      const c = s.charCodeAt(end);
      if (Number.isNaN(c) || isSpace(c) || c === 0x3e || c === 0x2f || c === 0x3c) break;
      end++;
    }
    const name = s.slice(start, end);
    if (!NAME.test(name)) this.fail(name ? `"${name}" is not an element name` : 'missing element name');
    this.pos = end;
    return name;
  }

  /** Character data between markup: trimmed, entities decoded. */
  private text(from: number, to: number): string {
    const raw = this.s.slice(from, to).trim();
    if (raw.indexOf('&') < 0) return raw;
    const decoded = raw.replace(ENTITY, (_, ref: string) => {
      if (ref.charCodeAt(0) !== 0x23 /* # */) {
        const value = PREDEFINED[ref];
        if (value === undefined) this.fail(`undefined entity &${ref};`, from);
        return value;
      }
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!isXmlChar(code)) this.fail(`&${ref}; is not a character XML allows`, from);
      return String.fromCodePoint(code);
    });
    // every & that was a reference is gone; one left over is bare
    if (raw.replace(ENTITY, '').indexOf('&') >= 0) this.fail('a bare & (write &amp;)', from);
    return decoded;
  }

  /** The position just past the next `end`; the construct is unterminated without one. */
  private past(end: string, what: string): number {
    const at = this.s.indexOf(end, this.pos);
    if (at < 0) this.fail(`unterminated ${what}`);
    return at + end.length;
  }

  private fail(detail: string, at = this.pos): never {
    let line = 1;
    let lineStart = 0;
    for (let i = this.s.indexOf('\n'); i >= 0 && i < at; i = this.s.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    throw new MalformedXmlError(detail, line, at - lineStart + 1);
  }
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

/** Adds a child element; a repeated name becomes an array. `__proto__` is an ordinary own property. */
function add(record: XmlRecord, name: string, value: XmlValue): void {
  if (!Object.hasOwn(record, name)) {
    Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
    return;
  }
  const existing = record[name];
  if (Array.isArray(existing)) existing.push(value);
  else record[name] = [existing, value];
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
