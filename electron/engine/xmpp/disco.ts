/**
 * Service discovery answers and entity capabilities (XEP-0030, XEP-0115). PEP delivers
 * notifications to contacts whose caps advertise `<node>+notify` (XEP-0163 §4), so OMEMO
 * device-list updates depend on `urn:xmpp:omemo:2:devices+notify` being in here.
 */
import { createHash } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { xml } from './xml.js';

export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
export const NS_CAPS = 'http://jabber.org/protocol/caps';

export interface DiscoIdentity {
  readonly category: string;
  readonly type: string;
  readonly name?: string;
  readonly lang?: string;
}

export interface ClientCapabilities {
  /** XEP-0115 node: a URI naming the software. */
  readonly node: string;
  readonly identities: readonly DiscoIdentity[];
  readonly features: readonly string[];
}

/** XEP-0115 §5.1 verification string, SHA-1, base64 (no extended forms). */
export function capsVer(caps: ClientCapabilities): string {
  const identities = caps.identities
    .map((i) => `${i.category}/${i.type}/${i.lang ?? ''}/${i.name ?? ''}`)
    .sort();
  const features = [...new Set(caps.features)].sort();
  const s = [...identities, ...features].map((part) => `${part}<`).join('');
  return createHash('sha1').update(s, 'utf8').digest('base64');
}

/** `<query xmlns=disco#info>` describing us; `node` echoed when the request named one. */
export function discoInfoQuery(caps: ClientCapabilities, node?: string): Element {
  return xml(
    'query',
    { xmlns: NS_DISCO_INFO, ...(node ? { node } : {}) },
    ...caps.identities.map((i) => xml('identity', { category: i.category, type: i.type, name: i.name, 'xml:lang': i.lang })),
    ...[...new Set(caps.features)].sort().map((f) => xml('feature', { var: f })),
  );
}

/** The `<c/>` element to put in presence. */
export function capsElement(caps: ClientCapabilities): Element {
  return xml('c', { xmlns: NS_CAPS, hash: 'sha-1', node: caps.node, ver: capsVer(caps) });
}

/** Features every Parley client advertises; callers add their own. */
export const BASE_FEATURES = [NS_DISCO_INFO, NS_CAPS, 'urn:xmpp:ping'] as const;

/** What serveDiscoInfo needs of a connection (XmppConnection fits). */
export interface DiscoConnection {
  handleIq(type: 'get', ns: string, name: string, handler: (iq: Element, payload: Element) => Element | undefined): () => void;
}

/**
 * Answers disco#info queries about us, with or without the caps node (`node#ver`) that
 * PEP services ask for when they see our presence (XEP-0115 §6.2).
 */
export function serveDiscoInfo(conn: DiscoConnection, caps: ClientCapabilities): () => void {
  const capsNode = `${caps.node}#${capsVer(caps)}`;
  return conn.handleIq('get', NS_DISCO_INFO, 'query', (_iq, query) => {
    const node = query.attrs.node;
    if (node !== undefined && node !== capsNode) {
      return xml('error', { type: 'cancel' }, xml('item-not-found', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }));
    }
    return discoInfoQuery(caps, node);
  });
}
