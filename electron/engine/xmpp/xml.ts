/**
 * XML helpers for the XMPP layer: building with ltx (via @xmpp/xml, which escapes text and
 * attributes), strict parsing of standalone documents, and the checked accessors the
 * element codecs use so malformed input becomes an XmppError('malformed'), never a crash.
 */
import { Element, Parser, xml } from '@xmpp/xml';
import { XmppError } from './errors.js';

export { Element, xml };

/** Upper bounds for a standalone document we parse (a decrypted SCE envelope). */
export const MAX_DOCUMENT_CHARS = 256 * 1024;
export const MAX_DOCUMENT_DEPTH = 32;

const malformed = (what: string): XmppError => new XmppError('malformed', what);

/** Characters allowed in XML 1.0 text and attribute values (XML §2.2 Char). */
// eslint-disable-next-line no-control-regex
const ILLEGAL_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ILLEGAL_XML_CHARS_GLOBAL = new RegExp(ILLEGAL_XML_CHARS.source, 'g');

export const isXmlSafe = (text: string): boolean => !ILLEGAL_XML_CHARS.test(text);

/** Removes characters XML cannot carry (a server closes the stream on them). */
export const stripIllegalXmlChars = (text: string): string => text.replace(ILLEGAL_XML_CHARS_GLOBAL, '');

/** Throws 'malformed' when any text or attribute value in the tree cannot be serialised as XML. */
export function assertXmlSafe(element: Element, depth = 0): void {
  if (depth > MAX_DOCUMENT_DEPTH) throw malformed('element nesting is too deep');
  for (const value of Object.values(element.attrs)) {
    if (value !== undefined && !isXmlSafe(String(value))) throw malformed(`<${element.name}> has an attribute with characters XML cannot carry`);
  }
  for (const child of element.children) {
    if (typeof child === 'string') {
      if (!isXmlSafe(child)) throw malformed(`<${element.name}> has text with characters XML cannot carry`);
    } else {
      assertXmlSafe(child, depth + 1);
    }
  }
}

/**
 * Parses one complete XML document. Rejects unclosed or mismatched tags, content after the
 * root, unknown entities, characters XML forbids, and documents over the size/depth limits.
 * Comments, processing instructions and DOCTYPE are skipped by ltx (never expanded).
 */
export function parseXml(text: string): Element {
  if (text.length > MAX_DOCUMENT_CHARS) throw malformed('XML document is too large');
  if (!isXmlSafe(text)) throw malformed('XML document contains characters XML forbids');
  // ltx never reports text after the last tag, so the document must end with one.
  if (!/>\s*$/.test(text)) throw malformed('content after the root element');
  const parser = new Parser();
  let root: Element | undefined;
  let ended = false;
  let failure: string | undefined;
  let childrenAtEnd = 0;
  parser.on('start', (el: Element) => {
    root = el;
  });
  parser.on('element', (el: Element) => {
    if (ended || !root) failure ??= 'content after the root element';
    else root.append(el);
  });
  parser.on('end', () => {
    ended = true;
    childrenAtEnd = root?.children.length ?? 0;
  });
  parser.on('error', () => {
    failure ??= 'XML is not well-formed';
  });
  try {
    parser.write(text);
    parser.end();
  } catch {
    failure ??= 'XML is not well-formed';
  }
  if (failure) throw malformed(failure);
  if (!root || !ended) throw malformed('XML document is incomplete');
  const trailing = root.children.slice(childrenAtEnd);
  if (trailing.some((c) => typeof c !== 'string' || c.trim() !== '')) throw malformed('content after the root element');
  root.children.length = childrenAtEnd;
  if (depthOf(root) > MAX_DOCUMENT_DEPTH) throw malformed('element nesting is too deep');
  return root;
}

function depthOf(el: Element): number {
  let max = 0;
  for (const c of el.children) if (typeof c !== 'string') max = Math.max(max, depthOf(c));
  return max + 1;
}

/** The element itself must be `<name xmlns=ns>`. */
export function expectElement(el: Element | undefined, name: string, ns: string): Element {
  if (!el || !el.is(name, ns)) throw malformed(`expected <${name} xmlns='${ns}'>`);
  return el;
}

/** Exactly one child `<name>` in `ns` (the parent's namespace when omitted). */
export function singleChild(parent: Element, name: string, ns = parent.getNS()): Element {
  const found = parent.getChildren(name, ns);
  if (found.length !== 1) {
    throw malformed(found.length === 0 ? `<${parent.name}> lacks <${name}>` : `<${parent.name}> has more than one <${name}>`);
  }
  return found[0]!;
}

/** At most one child `<name>`; undefined when absent. */
export function optionalChild(parent: Element, name: string, ns = parent.getNS()): Element | undefined {
  const found = parent.getChildren(name, ns);
  if (found.length > 1) throw malformed(`<${parent.name}> has more than one <${name}>`);
  return found[0];
}

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

/** A decimal integer attribute in [min, max]; no sign, no leading zeros, no spaces. */
export function intAttr(el: Element, name: string, min: number, max: number): number {
  const raw = el.attrs[name];
  if (raw === undefined) throw malformed(`<${el.name}> lacks the '${name}' attribute`);
  if (!DECIMAL.test(raw)) throw malformed(`<${el.name} ${name}> is not a decimal integer`);
  const value = Number(raw);
  if (value < min || value > max) throw malformed(`<${el.name} ${name}> is out of range`);
  return value;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 (whitespace between characters tolerated, as XML pretty-printing adds it). */
export function decodeBase64(text: string, what: string): Uint8Array {
  const compact = text.replace(/[ \t\r\n]+/g, '');
  if (!BASE64.test(compact)) throw malformed(`${what} is not valid base64`);
  const bytes = Buffer.from(compact, 'base64');
  // Reject non-canonical encodings (stray bits in the last character).
  if (bytes.toString('base64') !== compact) throw malformed(`${what} is not canonical base64`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export const encodeBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** Base64 text of a child, decoded, with an optional exact length. */
export function base64Text(el: Element, what: string, length?: number): Uint8Array {
  if (el.getChildElements().length > 0) throw malformed(`${what} must contain only text`);
  const bytes = decodeBase64(el.getText(), what);
  if (length !== undefined && bytes.length !== length) throw malformed(`${what} must be ${length} bytes`);
  return bytes;
}
