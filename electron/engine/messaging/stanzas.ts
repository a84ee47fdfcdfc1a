/**
 * The `<message/>` stanzas the messaging layer sends and the wrappers it unwraps: carbons
 * (XEP-0280), archive results (XEP-0313), delays (XEP-0203), ids (XEP-0359), receipts
 * (XEP-0184) and hints (XEP-0334).
 */
import type { Element } from '@xmpp/xml';
import type { EncryptedMessage } from '../protocol/index.js';
import { sameBareJid } from '../xmpp/jid.js';
import { encryptedElement } from '../xmpp/omemo2-elements.js';
import { xml } from '../xmpp/xml.js';
import { NS_CARBONS, NS_DELAY, NS_EME, NS_FORWARD, NS_HINTS, NS_MAM, NS_OMEMO2, NS_RECEIPTS, NS_SID } from './namespaces.js';

/** XEP-0384 §5.4: a body for clients without OMEMO; never the message text. */
export const FALLBACK_BODY = 'This message is encrypted with OMEMO 2, which your client does not seem to support.';

/**
 * An OMEMO message. The id is also the origin-id, which the receiver deduplicates by; the
 * store hint keeps empty messages (acks, heartbeats) in the archive too (XEP-0384 §5.5.3).
 */
export function encryptedMessageStanza(to: string, id: string, message: EncryptedMessage, opts: { receipt: boolean; hint?: StorageHint }): Element {
  const hasPayload = message.payload !== null;
  return xml(
    'message',
    { to, id, type: 'chat' },
    encryptedElement(message),
    hasPayload ? xml('encryption', { xmlns: NS_EME, namespace: NS_OMEMO2, name: 'OMEMO' }) : undefined,
    hasPayload ? xml('body', {}, FALLBACK_BODY) : undefined,
    hasPayload && opts.receipt ? xml('request', { xmlns: NS_RECEIPTS }) : undefined,
    xml('origin-id', { xmlns: NS_SID, id }),
    xml(opts.hint ?? 'store', { xmlns: NS_HINTS }),
  );
}

/**
 * XEP-0334 §4: 'store' asks the archive to keep the message; 'no-permanent-store' lets a server
 * hold it for delivery (offline storage) but not in a permanent archive (disappearing messages).
 */
export type StorageHint = 'store' | 'no-permanent-store';

export function receiptStanza(to: string, id: string, receivedId: string): Element {
  return xml('message', { to, id, type: 'chat' }, xml('received', { xmlns: NS_RECEIPTS, id: receivedId }), xml('store', { xmlns: NS_HINTS }));
}

/** A message as the messaging layer handles it, after unwrapping carbons and archive results. */
export interface InboundMessage {
  readonly stanza: Element;
  /** 'carbon-sent': our other device sent it (XEP-0280 §7). */
  readonly via: 'live' | 'carbon-received' | 'carbon-sent' | 'archive';
  /** XEP-0203 delay or the archive's timestamp. */
  readonly delayedAt?: number;
  /** XEP-0359 stanza-id assigned by our own archive. */
  readonly archiveId?: string;
}

function forwardedMessage(wrapper: Element): { message: Element; delayedAt?: number } | undefined {
  const forwarded = wrapper.getChild('forwarded', NS_FORWARD);
  const message = forwarded?.getChild('message');
  if (!forwarded || !message) return undefined;
  const stamp = Date.parse(forwarded.getChild('delay', NS_DELAY)?.attrs.stamp ?? '');
  return Number.isFinite(stamp) ? { message, delayedAt: stamp } : { message };
}

function delayOf(stanza: Element): number | undefined {
  const stamp = Date.parse(stanza.getChild('delay', NS_DELAY)?.attrs.stamp ?? '');
  return Number.isFinite(stamp) ? stamp : undefined;
}

export function archiveIdOf(stanza: Element, ownJid: string): string | undefined {
  const ids = stanza.getChildren('stanza-id', NS_SID);
  return ids.find((s) => s.attrs.by !== undefined && sameBareJid(s.attrs.by, ownJid))?.attrs.id;
}

/**
 * Unwraps a carbon; returns undefined for a carbon that does not come from our own account
 * (XEP-0280 §11: anyone else sending one is forging our history).
 */
export function unwrapLive(stanza: Element, ownJid: string): InboundMessage | undefined {
  for (const direction of ['received', 'sent'] as const) {
    const carbon = stanza.getChild(direction, NS_CARBONS);
    if (!carbon) continue;
    if (!stanza.attrs.from || !sameBareJid(stanza.attrs.from, ownJid) || stanza.attrs.from.includes('/')) return undefined;
    const inner = forwardedMessage(carbon);
    if (!inner) return undefined;
    const archiveId = archiveIdOf(inner.message, ownJid);
    return {
      stanza: inner.message,
      via: direction === 'sent' ? 'carbon-sent' : 'carbon-received',
      ...(inner.delayedAt !== undefined ? { delayedAt: inner.delayedAt } : {}),
      ...(archiveId ? { archiveId } : {}),
    };
  }
  const delayedAt = delayOf(stanza);
  const archiveId = archiveIdOf(stanza, ownJid);
  return { stanza, via: 'live', ...(delayedAt !== undefined ? { delayedAt } : {}), ...(archiveId ? { archiveId } : {}) };
}

/** `<result xmlns=mam:2 queryid id>`: an archived message of the query `queryId`, or undefined. */
export function unwrapArchived(stanza: Element, ownJid: string, queryId: string): InboundMessage | undefined {
  const result = stanza.getChild('result', NS_MAM);
  if (!result || result.attrs.queryid !== queryId) return undefined;
  // Only our own archive answers our queries (XEP-0313 §5: results come from the archive's JID).
  if (stanza.attrs.from && !sameBareJid(stanza.attrs.from, ownJid)) return undefined;
  const inner = forwardedMessage(result);
  if (!inner || !result.attrs.id) return undefined;
  return { stanza: inner.message, via: 'archive', archiveId: result.attrs.id, ...(inner.delayedAt !== undefined ? { delayedAt: inner.delayedAt } : {}) };
}

export const isArchiveResult = (stanza: Element): boolean => stanza.getChild('result', NS_MAM) !== undefined;

/** The id the sender gave the message: origin-id, else the stanza id. */
export function originIdOf(stanza: Element): string | undefined {
  return stanza.getChild('origin-id', NS_SID)?.attrs.id ?? stanza.attrs.id;
}
