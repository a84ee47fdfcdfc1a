/**
 * Stanza Content Encryption envelopes (XEP-0420) with OMEMO:2's profile (XEP-0384 §6.1):
 *   <envelope xmlns='urn:xmpp:sce:1'><content>…</content><rpad>…</rpad>
 *     <time stamp='…'/><to jid='…'/><from jid='…'/></envelope>
 * The serialised envelope is the plaintext OMEMO encrypts; parsing checks the affixes against
 * the enclosing stanza and drops the elements XEP-0420 §8 says must never come from inside.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { XmppError } from './errors.js';
import { bareJid, parseJid } from './jid.js';
import { assertXmlSafe, expectElement, optionalChild, parseXml, singleChild, xml } from './xml.js';

export const NS_SCE = 'urn:xmpp:sce:1';

/** rpad length range (XEP-0420 §4: 0..200 characters). */
export const RPAD_MAX_CHARS = 200;
/** How far the `<time/>` affix may be from the stanza's sending time. */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** XEP-0420 §8: server-processed elements that must never be taken from inside the envelope. */
const FORBIDDEN_CONTENT = [
  { ns: 'urn:xmpp:hints' }, // XEP-0334
  { ns: 'urn:xmpp:sid:0', name: 'stanza-id' }, // XEP-0359 (origin-id is allowed)
  { ns: 'http://jabber.org/protocol/address' }, // XEP-0033
  { ns: 'urn:xmpp:eme:0' }, // XEP-0380
] as const;

export interface EnvelopeInput {
  /** Elements to protect, each with its own namespace (`<body xmlns='jabber:client'>` …). */
  readonly content: readonly Element[];
  /** Bare JIDs of sender and recipient. */
  readonly from: string;
  readonly to: string;
  /** Default now. */
  readonly time?: Date;
  /** Default: random length 0..200, random characters. */
  readonly rpad?: string;
}

export interface Envelope {
  readonly content: Element[];
  readonly from?: string;
  readonly to?: string;
  readonly time?: Date;
  /** Elements found in `<content>` but dropped (server-processed or without a namespace). */
  readonly dropped: readonly string[];
}

export interface EnvelopeContext {
  /** The enclosing stanza's 'from' and 'to' (full or bare JIDs). */
  readonly stanzaFrom: string;
  readonly stanzaTo: string;
  /** When the stanza was sent: its XEP-0203 delay / MAM stamp, else now. */
  readonly sentAt?: Date;
  readonly now?: Date;
  readonly maxClockSkewMs?: number;
  /** Group chat (MUC/MIX): `<to/>` is then required (XEP-0384 §6.1). */
  readonly groupChat?: boolean;
}

const affixError = (what: string): XmppError => new XmppError('affix-mismatch', what);
const malformed = (what: string): XmppError => new XmppError('malformed', what);

/** Random printable padding: its length hides the content's length (XEP-0384 §6.1). */
export function randomPadding(): string {
  const length = randomInt(0, RPAD_MAX_CHARS + 1);
  return randomBytes(Math.ceil((length * 3) / 4) + 3).toString('base64url').slice(0, length);
}

/** XEP-0082 DateTime, UTC, millisecond precision. */
export const formatDateTime = (date: Date): string => date.toISOString();

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function parseDateTime(value: string | undefined): Date {
  if (!value || !DATETIME.test(value)) throw malformed('<time stamp> is not an XEP-0082 DateTime');
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw malformed('<time stamp> is not a valid date');
  return date;
}

export function buildEnvelope(input: EnvelopeInput): Element {
  if (input.content.length === 0) throw malformed('an envelope needs content');
  for (const el of input.content) {
    if (!el.attrs.xmlns) throw malformed(`<${el.name}> in an envelope needs its own namespace (XEP-0420 §9)`);
  }
  const envelope = xml(
    'envelope',
    { xmlns: NS_SCE },
    xml('content', {}, ...input.content),
    xml('rpad', {}, input.rpad ?? randomPadding()),
    xml('time', { stamp: formatDateTime(input.time ?? new Date()) }),
    xml('to', { jid: bareJid(input.to) }),
    xml('from', { jid: bareJid(input.from) }),
  );
  assertXmlSafe(envelope);
  return envelope;
}

/** The plaintext OMEMO encrypts: the serialised envelope, UTF-8. */
export function serializeEnvelope(input: EnvelopeInput): Uint8Array {
  return new TextEncoder().encode(buildEnvelope(input).toString());
}

function isForbidden(el: Element): boolean {
  const ns = el.getNS();
  return FORBIDDEN_CONTENT.some((f) => f.ns === ns && (!('name' in f) || f.name === el.getName()));
}

function affixJid(envelope: Element, name: 'to' | 'from'): string | undefined {
  const el = optionalChild(envelope, name);
  if (!el) return undefined;
  const jid = el.attrs.jid;
  if (!jid) throw malformed(`<${name}> lacks 'jid'`);
  return bareJid(jid);
}

/**
 * Decodes and verifies a decrypted envelope (XEP-0420 §5, §6): to/from must match the
 * stanza's, time must be within `maxClockSkewMs` of when the stanza was sent.
 */
export function parseEnvelope(plaintext: Uint8Array, context: EnvelopeContext): Envelope {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  } catch {
    throw malformed('the envelope is not UTF-8');
  }
  const envelope = expectElement(parseXml(text), 'envelope', NS_SCE);
  const contentEl = singleChild(envelope, 'content');
  optionalChild(envelope, 'rpad'); // required by OMEMO's profile for senders; never verified (XEP-0420 §4)

  const from = affixJid(envelope, 'from');
  const to = affixJid(envelope, 'to');
  if (from !== undefined && from !== bareJid(context.stanzaFrom)) throw affixError('the envelope was written by someone other than the sender');
  if (to !== undefined && to !== bareJid(context.stanzaTo)) throw affixError('the envelope was written for someone other than the recipient');
  if (to === undefined && context.groupChat) throw affixError('a group chat envelope must name its recipient');

  const timeEl = optionalChild(envelope, 'time');
  let time: Date | undefined;
  if (timeEl) {
    time = parseDateTime(timeEl.attrs.stamp);
    const reference = (context.sentAt ?? context.now ?? new Date()).getTime();
    const skew = context.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
    if (Math.abs(time.getTime() - reference) > skew) throw affixError('the envelope time is too far from when the message was sent');
  }

  const content: Element[] = [];
  const dropped: string[] = [];
  for (const el of contentEl.getChildElements()) {
    // An element without its own namespace inherits urn:xmpp:sce:1 and identifies nothing (XEP-0420 §9).
    if (el.getNS() === NS_SCE || isForbidden(el)) dropped.push(`{${el.getNS() ?? ''}}${el.getName()}`);
    else {
      el.parent = null;
      content.push(el);
    }
  }
  return { content, dropped, ...(from ? { from } : {}), ...(to ? { to } : {}), ...(time ? { time } : {}) };
}

/** Convenience: the text of `<body xmlns='jabber:client'>` in the content, if any. */
export function envelopeBody(envelope: Envelope): string | undefined {
  return envelope.content.find((el) => el.is('body', 'jabber:client'))?.getText();
}

/** Whether `jid` parses (for callers validating stanza addresses before parseEnvelope). */
export function isValidJid(jid: string): boolean {
  try {
    parseJid(jid);
    return true;
  } catch {
    return false;
  }
}
