/**
 * An in-memory stand-in for an XMPP server, for unit tests of the messaging logic: routing
 * to bare and full JIDs, offline storage, carbons (XEP-0280), an archive per account
 * (XEP-0313, one page), PEP publish/items/retract (publish notifies), and immediate XEP-0198 acks. Deliberately
 * small: the real-server behaviour is proven against Prosody in tests/messaging/.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { XmppError } from '../xmpp/errors.js';
import { bareJid } from '../xmpp/jid.js';
import { parseXml, xml } from '../xmpp/xml.js';
import { NS_CARBONS, NS_FORWARD, NS_MAM, NS_PUBSUB, NS_PUBSUB_EVENT, NS_SID } from './namespaces.js';
import type { IqGetHandler, Transport, TransportEvents, TransportStatus } from './transport.js';

interface PepItem {
  readonly id: string;
  readonly payload: Element;
}

const copy = (el: Element): Element => parseXml(el.toString());

export class MemoryNetwork {
  readonly #transports = new Set<MemoryTransport>();
  readonly #offline = new Map<string, Element[]>();
  readonly #archives = new Map<string, { id: string; stanza: Element }[]>();
  readonly #pep = new Map<string, Map<string, PepItem>>();
  /** Every message routed, as sent (tests inspect and replay them). */
  readonly messages: Element[] = [];

  transport(jid: string, resource = randomUUID().slice(0, 8)): MemoryTransport {
    const t = new MemoryTransport(this, bareJid(jid), resource);
    this.#transports.add(t);
    return t;
  }

  online(jid: string): MemoryTransport[] {
    return [...this.#transports].filter((t) => t.jid === bareJid(jid) && t.status.state === 'online');
  }

  /** Delivers `stanza` as the server would: archive, carbons, then the recipients or offline storage. */
  route(from: MemoryTransport, stanza: Element): void {
    stanza.attrs.from = from.fullJid;
    if (stanza.name === 'presence') {
      if (stanza.attrs.to === undefined) {
        from.available = true;
        for (const stored of this.#offline.get(from.jid)?.splice(0) ?? []) from.deliver(stored);
      }
      return;
    }
    if (stanza.name !== 'message' || !stanza.attrs.to) return;
    this.messages.push(copy(stanza));
    const to = stanza.attrs.to;
    const target = bareJid(to);
    const archiveId = randomUUID();
    for (const owner of new Set([from.jid, target])) {
      const list = this.#archives.get(owner) ?? [];
      list.push({ id: archiveId, stanza: copy(stanza) });
      this.#archives.set(owner, list);
    }
    const delivered = copy(stanza);
    delivered.append(xml('stanza-id', { xmlns: NS_SID, by: target, id: archiveId }));
    for (const other of this.online(from.jid)) {
      if (other !== from && other.carbons) other.deliver(carbon('sent', from.jid, stanza));
    }
    const recipients = to.includes('/') ? this.online(target).filter((t) => t.fullJid === to) : this.online(target).filter((t) => t.available);
    if (recipients.length === 0) {
      const queue = this.#offline.get(target) ?? [];
      queue.push(delivered);
      this.#offline.set(target, queue);
    }
    for (const r of recipients) r.deliver(copy(delivered));
  }

  /** The PEP item `id` of `jid`'s `node`, as published. */
  pepItem(jid: string, node: string, id: string): Element | undefined {
    return this.#pep.get(`${bareJid(jid)} ${node}`)?.get(id)?.payload;
  }

  iq(from: MemoryTransport, type: 'get' | 'set', payload: Element, to?: string): Element {
    const result = (child?: Element): Element => xml('iq', { type: 'result' }, child);
    if (payload.is('enable', NS_CARBONS)) {
      from.carbons = true;
      return result();
    }
    if (payload.is('query', NS_MAM)) {
      const queryId = payload.attrs.queryid ?? '';
      for (const entry of this.#archives.get(from.jid) ?? []) {
        from.deliver(xml('message', { from: from.jid }, xml('result', { xmlns: NS_MAM, queryid: queryId, id: entry.id }, xml('forwarded', { xmlns: NS_FORWARD }, copy(entry.stanza)))));
      }
      return result(xml('fin', { xmlns: NS_MAM, complete: 'true' }));
    }
    const pubsub = payload.is('pubsub', NS_PUBSUB) ? payload : undefined;
    const publish = pubsub?.getChild('publish');
    const published = publish?.getChild('item');
    if (type === 'set' && publish?.attrs.node && published?.getChildElements()[0]) {
      this.publish(from, publish.attrs.node, { id: published.attrs.id ?? randomUUID(), payload: published.getChildElements()[0]! });
      return result();
    }
    const retract = pubsub?.getChild('retract');
    const retracted = retract?.getChild('item')?.attrs.id;
    if (type === 'set' && retract?.attrs.node && retracted !== undefined) {
      if (!this.#pep.get(`${from.jid} ${retract.attrs.node}`)?.delete(retracted)) throw new XmppError('stanza-error', 'item-not-found', { condition: 'item-not-found' });
      return result();
    }
    const items = pubsub?.getChild('items');
    if (type === 'get' && items?.attrs.node) {
      const node = this.#pep.get(`${bareJid(to ?? from.jid)} ${items.attrs.node}`);
      const wanted = items.getChild('item')?.attrs.id;
      const found = [...(node?.values() ?? [])].filter((i) => wanted === undefined || i.id === wanted);
      if (found.length === 0) throw new XmppError('stanza-error', 'item-not-found', { condition: 'item-not-found' });
      return result(xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', { node: items.attrs.node }, ...found.map((i) => xml('item', { id: i.id }, copy(i.payload))))));
    }
    throw new XmppError('stanza-error', 'feature-not-implemented', { condition: 'feature-not-implemented' });
  }

  publish(from: MemoryTransport, node: string, item: PepItem): void {
    const key = `${from.jid} ${node}`;
    const items = this.#pep.get(key) ?? new Map<string, PepItem>();
    items.set(item.id, { id: item.id, payload: copy(item.payload) });
    this.#pep.set(key, items);
    const event = xml('message', { from: from.jid, type: 'headline' }, xml('event', { xmlns: NS_PUBSUB_EVENT }, xml('items', { node }, xml('item', { id: item.id }, copy(item.payload)))));
    for (const t of this.#transports) if (t.status.state === 'online') t.deliver(copy(event));
  }
}

function carbon(direction: 'sent' | 'received', account: string, stanza: Element): Element {
  return xml('message', { from: account }, xml(direction, { xmlns: NS_CARBONS }, xml('forwarded', { xmlns: NS_FORWARD }, copy(stanza))));
}

export class MemoryTransport implements Transport {
  readonly #events = new EventEmitter();
  #status: TransportStatus = { state: 'offline' };
  carbons = false;
  available = false;

  constructor(
    private readonly network: MemoryNetwork,
    readonly jid: string,
    readonly resource: string,
  ) {}

  get fullJid(): string {
    return `${this.jid}/${this.resource}`;
  }

  get status(): TransportStatus {
    return this.#status;
  }

  async connect(): Promise<void> {
    this.#setStatus({ state: 'online', resumed: false });
  }

  async disconnect(): Promise<void> {
    this.carbons = false;
    this.available = false;
    this.#setStatus({ state: 'offline' });
  }

  async send(stanza: Element): Promise<string> {
    if (this.#status.state !== 'online') throw new XmppError('not-connected', 'offline');
    const id = stanza.attrs.id ?? randomUUID();
    stanza.attrs.id = id;
    this.network.route(this, copy(stanza));
    setImmediate(() => this.#events.emit('acked', id));
    return id;
  }

  async iq(type: 'get' | 'set', payload: Element, options: { to?: string } = {}): Promise<Element> {
    if (this.#status.state !== 'online') throw new XmppError('not-connected', 'offline');
    return this.network.iq(this, type, payload, options.to);
  }

  handleIqGet(_ns: string, _name: string, _handler: IqGetHandler): void {}

  on<E extends keyof TransportEvents>(event: E, listener: (...args: TransportEvents[E]) => void): () => void {
    this.#events.on(event, listener as (...args: unknown[]) => void);
    return () => this.#events.off(event, listener as (...args: unknown[]) => void);
  }

  /** A stanza arriving from the network (tests may inject forged ones). */
  deliver(stanza: Element): void {
    if (this.#status.state === 'online') setImmediate(() => this.#events.emit('stanza', stanza));
  }

  #setStatus(status: TransportStatus): void {
    this.#status = status;
    this.#events.emit('state', status);
  }
}
