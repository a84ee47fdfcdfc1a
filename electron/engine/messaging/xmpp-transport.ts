/**
 * The Transport on the real XMPP connection (xmpp/connection.ts), with PEP publishing and
 * fetching (XEP-0060, XEP-0163, XEP-0223 publish-options). Stand-in for xmpp/pep.ts.
 */
import type { Element } from '@xmpp/xml';
import type { XmppConnection } from '../xmpp/connection.js';
import { isXmppError } from '../xmpp/errors.js';
import { xml } from '../xmpp/xml.js';
import { NS_DATA_FORMS, NS_NODE_CONFIG, NS_PUBLISH_OPTIONS, NS_PUBSUB, NS_PUBSUB_OWNER } from './namespaces.js';
import type { IqGetHandler, NodeOptions, PepItem, Transport, TransportEvents, TransportStatus } from './transport.js';

function dataForm(formType: string, options: NodeOptions, type: 'submit' = 'submit'): Element {
  return xml(
    'x',
    { xmlns: NS_DATA_FORMS, type },
    xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, formType)),
    ...Object.entries(options).map(([name, value]) => xml('field', { var: name }, xml('value', {}, value))),
  );
}

const publishIq = (node: string, item: PepItem, options: NodeOptions): Element =>
  xml(
    'pubsub',
    { xmlns: NS_PUBSUB },
    xml('publish', { node }, xml('item', { id: item.id }, item.payload)),
    xml('publish-options', {}, dataForm(NS_PUBLISH_OPTIONS, options)),
  );

export class XmppTransport implements Transport {
  constructor(readonly connection: XmppConnection) {}

  get jid(): string {
    return this.connection.jidBare;
  }

  get fullJid(): string | undefined {
    return this.connection.jid;
  }

  get status(): TransportStatus {
    const s = this.connection.status;
    return { state: s.state, ...(s.resumed !== undefined ? { resumed: s.resumed } : {}), ...(s.error ? { errorCode: s.error.code } : {}) };
  }

  connect(): Promise<void> {
    return this.connection.connect();
  }

  disconnect(): Promise<void> {
    return this.connection.disconnect();
  }

  send(stanza: Element): Promise<string> {
    return this.connection.send(stanza);
  }

  iq(type: 'get' | 'set', payload: Element, to?: string): Promise<Element> {
    return this.connection.iq(type, payload, to === undefined ? {} : { to });
  }

  /**
   * XEP-0223: publish with publish-options; a node created earlier with another
   * configuration answers precondition-not-met, so configure it and publish again.
   */
  async publish(node: string, item: PepItem, options: NodeOptions): Promise<void> {
    try {
      await this.iq('set', publishIq(node, item, options));
    } catch (error) {
      if (!isXmppError(error, 'stanza-error') || error.appCondition !== 'precondition-not-met') throw error;
      await this.iq('set', xml('pubsub', { xmlns: NS_PUBSUB_OWNER }, xml('configure', { node }, dataForm(NS_NODE_CONFIG, options))));
      await this.iq('set', publishIq(node, item, options));
    }
  }

  async fetchItems(jid: string, node: string, itemId?: string): Promise<PepItem[]> {
    const items = xml('items', { node }, itemId === undefined ? undefined : xml('item', { id: itemId }));
    let result: Element;
    try {
      result = await this.iq('get', xml('pubsub', { xmlns: NS_PUBSUB }, items), jid);
    } catch (error) {
      if (isXmppError(error, 'stanza-error') && error.condition === 'item-not-found') return [];
      throw error;
    }
    const found = result.getChild('pubsub', NS_PUBSUB)?.getChild('items')?.getChildren('item') ?? [];
    return found.flatMap((el) => {
      const payload = el.getChildElements()[0];
      return payload && el.attrs.id ? [{ id: el.attrs.id, payload }] : [];
    });
  }

  handleIqGet(ns: string, name: string, handler: IqGetHandler): void {
    this.connection.handleIq('get', ns, name, (iq, payload) => handler(iq.attrs.from, payload));
  }

  on<E extends keyof TransportEvents>(event: E, listener: (...args: TransportEvents[E]) => void): () => void {
    switch (event) {
      case 'state':
        return this.connection.on('state', () => (listener as (s: TransportStatus) => void)(this.status));
      case 'stanza':
        return this.connection.on('stanza', listener as (s: Element) => void);
      case 'acked':
        return this.connection.on('acked', (id) => {
          if (id !== undefined) (listener as (id: string) => void)(id);
        });
      case 'unacked':
        return this.connection.on('unacked', (id) => {
          if (id !== undefined) (listener as (id: string) => void)(id);
        });
      default:
        return () => undefined;
    }
  }
}
