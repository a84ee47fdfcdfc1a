/**
 * The Stanza Content Encryption envelope (XEP-0420) OMEMO:2 encrypts (XEP-0384 §4.4): the
 * body plus the affixes rpad, time, to and from. Stand-in until xmpp/sce.ts lands.
 *
 * The affixes bind the ciphertext to its conversation: a server (or anyone else) cannot
 * replay a message to another recipient or claim another sender without the check below
 * noticing (XEP-0420 §4, "Affix elements").
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { XmppError } from '../xmpp/errors.js';
import { sameBareJid } from '../xmpp/jid.js';
import { expectElement, optionalChild, parseXml, singleChild, stripIllegalXmlChars, xml } from '../xmpp/xml.js';
import { NS_CLIENT, NS_SCE } from './namespaces.js';

/** XEP-0420 §4.1: random-length padding hides the body's length; 0..200 characters. */
const MAX_RPAD = 200;
/** Timestamps further in the future than this are clock skew or a lie: rejected. */
const MAX_FUTURE_SKEW_MS = 5 * 60_000;

export interface EnvelopeContent {
  readonly body: string;
  readonly from: string;
  readonly to: string;
  readonly time: number;
}

function rpad(): string {
  const length = randomInt(0, MAX_RPAD + 1);
  return randomBytes(length).toString('base64').slice(0, length);
}

export function buildEnvelope(content: EnvelopeContent): Uint8Array {
  const envelope = xml(
    'envelope',
    { xmlns: NS_SCE },
    xml('content', {}, xml('body', { xmlns: NS_CLIENT }, stripIllegalXmlChars(content.body))),
    xml('rpad', {}, rpad()),
    xml('time', { stamp: new Date(content.time).toISOString() }),
    xml('to', { jid: content.to }),
    xml('from', { jid: content.from }),
  );
  return new TextEncoder().encode(envelope.toString());
}

/** What the stanza around the envelope says: the affixes must agree with it. */
export interface EnvelopeContext {
  readonly from: string;
  readonly to: string;
  readonly now: number;
}

export interface OpenedEnvelope {
  readonly body: string | undefined;
  readonly time: number;
}

function affixJid(envelope: Element, name: string): string {
  const jid = singleChild(envelope, name).attrs.jid;
  if (!jid) throw new XmppError('malformed', `<${name}> affix lacks the jid`);
  return jid;
}

/** Throws XmppError 'malformed' or 'affix-mismatch'. */
export function openEnvelope(bytes: Uint8Array, context: EnvelopeContext): OpenedEnvelope {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new XmppError('malformed', 'the envelope is not UTF-8');
  }
  const envelope = expectElement(parseXml(text), 'envelope', NS_SCE);
  const content = singleChild(envelope, 'content');
  // XEP-0420 §5: 'to' and 'from' are required for messages; a mismatch means the stanza was redirected.
  if (!sameBareJid(affixJid(envelope, 'from'), context.from)) throw new XmppError('affix-mismatch', 'the envelope names another sender');
  if (!sameBareJid(affixJid(envelope, 'to'), context.to)) throw new XmppError('affix-mismatch', 'the envelope names another recipient');
  const timeElement = optionalChild(envelope, 'time');
  let time = context.now;
  if (timeElement) {
    const parsed = Date.parse(timeElement.attrs.stamp ?? '');
    if (!Number.isFinite(parsed)) throw new XmppError('malformed', '<time> affix has no valid stamp');
    if (parsed > context.now + MAX_FUTURE_SKEW_MS) throw new XmppError('affix-mismatch', 'the envelope is dated in the future');
    time = parsed;
  }
  const body = content.getChild('body', NS_CLIENT)?.getText();
  return { body, time };
}
