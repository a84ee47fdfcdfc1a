/**
 * What the messaging layer needs from the network, and nothing more: stanzas out and in,
 * IQs (PEP goes through xmpp/pep.ts on top of them, so a Transport is a PepConnection),
 * XEP-0198 acks and the connection state. XmppTransport implements it on the real
 * connection; MemoryNetwork implements it in memory for unit tests.
 */
import type { Element } from '@xmpp/xml';

export type TransportState = 'offline' | 'connecting' | 'online' | 'reconnecting' | 'error';

export interface TransportStatus {
  readonly state: TransportState;
  /** Online again after an outage: true when XEP-0198 resumed the stream (nothing was lost). */
  readonly resumed?: boolean;
  /** Stable error code of the failure behind 'error' or 'reconnecting'. */
  readonly errorCode?: string;
}

export interface TransportEvents {
  state: [status: TransportStatus];
  /** Incoming `<message/>` and `<presence/>`. */
  stanza: [stanza: Element];
  /** XEP-0198: the server acknowledged the outgoing stanza with this id. */
  acked: [id: string];
  /** XEP-0198: the stream ended before the server acknowledged it. */
  unacked: [id: string];
}

/** Incoming IQ get handler (disco#info): returns the child of the result. */
export type IqGetHandler = (from: string | undefined, payload: Element) => Element | undefined;

export interface Transport {
  /** Bare JID of the account. */
  readonly jid: string;
  /** Full JID once bound. */
  readonly fullJid: string | undefined;
  readonly status: TransportStatus;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Sends a stanza, giving it an id when it has none; returns the id `acked` will report. */
  send(stanza: Element): Promise<string>;
  /** Sends an IQ and resolves with the `<iq type='result'>`; rejects with XmppError on an error answer or timeout. */
  iq(type: 'get' | 'set', payload: Element, options?: { to?: string; timeoutMs?: number }): Promise<Element>;
  /** Answers incoming IQ gets for `<name xmlns=ns>` (disco#info for our +notify features). */
  handleIqGet(ns: string, name: string, handler: IqGetHandler): void;
  on<E extends keyof TransportEvents>(event: E, listener: (...args: TransportEvents[E]) => void): () => void;
}
