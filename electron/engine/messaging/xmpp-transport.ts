/** The Transport on the real XMPP connection (xmpp/connection.ts). */
import type { Element } from '@xmpp/xml';
import type { XmppConnection } from '../xmpp/connection.js';
import type { IqGetHandler, Transport, TransportEvents, TransportStatus } from './transport.js';

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

  iq(type: 'get' | 'set', payload: Element, options: { to?: string; timeoutMs?: number } = {}): Promise<Element> {
    return this.connection.iq(type, payload, options);
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
