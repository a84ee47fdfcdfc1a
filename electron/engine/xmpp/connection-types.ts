/**
 * Public types of XmppConnection: its options, the state the UI shows, and its events.
 */
import type { Element } from '@xmpp/xml';
import type { BackoffPolicy } from './backoff.js';
import type { XmppError } from './errors.js';

export type ConnectionState = 'offline' | 'connecting' | 'online' | 'reconnecting' | 'error';

export interface ConnectionStatus {
  readonly state: ConnectionState;
  /** Why we are in 'error', or why the last reconnect attempt failed. */
  readonly error?: XmppError;
  /** Failed reconnect attempts in the current outage. */
  readonly attempt?: number;
  /** Online again after an outage: true when XEP-0198 resumed the session (nothing lost). */
  readonly resumed?: boolean;
}

export interface ConnectionOptions {
  /** Bare JID of the account. */
  readonly jid: string;
  readonly password: string;
  /** Host to connect to; default the JID's domain (no SRV lookup). */
  readonly host?: string;
  /** Default 5222. */
  readonly port?: number;
  readonly resource?: string;
  /** PEM CA certificate(s) trusted instead of the system store. Verification is never disabled. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Accept a server without STARTTLS, only when `host` is a loopback address (tests). */
  readonly allowPlaintextLoopback?: boolean;
  /** Whole login (TCP, TLS, SASL, bind, SM) must finish within this. Default 20 s. */
  readonly connectTimeoutMs?: number;
  /** Default timeout of iq(). Default 30 s. */
  readonly iqTimeoutMs?: number;
  /** Reconnect after an outage; false to stay offline. */
  readonly reconnect?: Partial<BackoffPolicy> | false;
  /** Randomness for jitter (tests). */
  readonly random?: () => number;
}

/** Answer to an incoming IQ get/set: a child element, 'result' (empty result), or an `<error/>`. */
export type IqHandler = (iq: Element, payload: Element) => Element | 'result' | undefined | Promise<Element | 'result' | undefined>;

export interface SessionInfo {
  readonly tls: boolean;
  /** SASL mechanism of the last login (e.g. 'SCRAM-SHA-256'). */
  readonly mechanism: string | undefined;
  /** XEP-0198 enabled on this stream. */
  readonly streamManagement: boolean;
  readonly resumable: boolean;
}

export interface ConnectionEvents {
  state: [status: ConnectionStatus];
  /** Incoming `<message/>` and `<presence/>` (IQ requests go to handleIq handlers). */
  stanza: [stanza: Element];
  /** XEP-0198: the server acknowledged this outgoing stanza. */
  acked: [id: string | undefined, stanza: Element];
  /** XEP-0198: the session ended without the server acknowledging this stanza; resend it if it matters. */
  unacked: [id: string | undefined, stanza: Element];
  /** Something went wrong without ending the session (a listener threw, a bad incoming stanza). */
  warning: [error: XmppError];
}
