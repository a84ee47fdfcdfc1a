/**
 * One XMPP client connection: xmpp.js 0.14's pieces composed with our own STARTTLS (CA
 * verification), SASL (SCRAM with server signature check) and IQ tracking, plus XEP-0198
 * stream management with resumption and a reconnect loop with backoff and jitter.
 *
 * State, as the UI sees it:
 *   offline → connecting → online ⇄ reconnecting;  any → error (needs the user: bad password,
 *   rejected certificate, no TLS, stream conflict) ;  disconnect() → offline.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { Client } from '@xmpp/client-core';
import iqCallee from '@xmpp/iq/callee.js';
import createMiddleware from '@xmpp/middleware';
import resourceBinding from '@xmpp/resource-binding';
import createStreamFeatures from '@xmpp/stream-features';
import streamManagement, { type StreamManagement } from '@xmpp/stream-management';
import tcp from '@xmpp/tcp';
import type { Element } from '@xmpp/xml';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { isRetryable, toXmppError, XmppError } from './errors.js';
import { IqTracker } from './iq.js';
import { bareJid, isBareJid, parseJid, sameBareJid } from './jid.js';
import { isLoopbackHost, NS_STREAM, requireTls, sasl, startTls } from './negotiation.js';
import { assertXmlSafe, xml } from './xml.js';
import type { ConnectionEvents, ConnectionOptions, ConnectionStatus, ConnectionState, IqHandler, SessionInfo } from './connection-types.js';
import { loginOnce, NS_SM } from './login.js';

export type { ConnectionEvents, ConnectionOptions, ConnectionStatus, ConnectionState, IqHandler, SessionInfo } from './connection-types.js';
export { NS_SM } from './login.js';

const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';
const NS_ROSTER = 'jabber:iq:roster';


export class XmppConnection {
  readonly jidBare: string;
  readonly domain: string;
  readonly #host: string;
  readonly #port: number;
  readonly #service: string;
  readonly #password: string;
  readonly #connectTimeoutMs: number;
  readonly #iqTimeoutMs: number;
  readonly #backoff: BackoffPolicy | undefined;
  readonly #random: () => number;
  readonly #entity: Client;
  readonly #sm: StreamManagement;
  readonly #iq: IqTracker;
  readonly #iqHandlers = new Map<string, IqHandler>();
  readonly #events = new EventEmitter();
  #status: ConnectionStatus = { state: 'offline' };
  /** The user wants to be online: reconnect after outages. */
  #wanted = false;
  /** Post-authentication features offered SM, so "online" waits for `<enabled/>`. */
  #smOffered = false;
  /** The last stream error the server sent (decides whether reconnecting makes sense). */
  #streamError: XmppError | undefined;
  #cancelSleep: (() => void) | undefined;
  #mechanism: string | undefined;

  constructor(options: ConnectionOptions) {
    const jid = parseJid(options.jid);
    if (!jid.local || !isBareJid(options.jid)) throw new XmppError('malformed', 'the account must be a bare JID (user@domain)');
    this.jidBare = bareJid(options.jid);
    this.domain = jid.domain;
    this.#host = options.host ?? jid.domain;
    this.#port = options.port ?? 5222;
    this.#service = `xmpp://${this.#host.includes(':') ? `[${this.#host}]` : this.#host}:${this.#port}`;
    this.#password = options.password;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 20_000;
    this.#iqTimeoutMs = options.iqTimeoutMs ?? 30_000;
    this.#backoff = options.reconnect === false ? undefined : { ...DEFAULT_BACKOFF, ...options.reconnect };
    this.#random = options.random ?? Math.random;

    const entity = new Client({ service: this.#service, domain: this.domain, lang: 'en', timeout: this.#connectTimeoutMs });
    this.#entity = entity;
    tcp({ entity });
    const middleware = createMiddleware({ entity });
    const streamFeatures = createStreamFeatures({ middleware });
    const policy = {
      domain: this.domain,
      ca: options.ca,
      plaintextAllowed: options.allowPlaintextLoopback === true && isLoopbackHost(this.#host),
    };
    // Order matters: middleware runs in registration order, feature handlers by priority.
    requireTls(middleware, policy);
    middleware.use((ctx, next) => {
      if (ctx.stanza.is('features', NS_STREAM) && ctx.stanza.getChild('bind', NS_BIND)) {
        this.#smOffered = !!ctx.stanza.getChild('sm', NS_SM);
      }
      return next();
    });
    startTls(streamFeatures, policy);
    sasl(streamFeatures, () => ({ username: jid.local, password: this.#password }), this.#connectTimeoutMs, (m) => {
      this.#mechanism = m;
    });
    // SM before our IQ tracker so every inbound stanza is counted (xmpp.js's own caller swallows results uncounted).
    this.#sm = streamManagement({ streamFeatures, entity, middleware });
    this.#iq = new IqTracker(middleware, () => entity.jid?.toString(), this.domain, (s) => entity.send(s));
    resourceBinding(
      {
        streamFeatures,
        iqCaller: {
          set: async (payload: Element) => {
            const result = await this.#iq.request(xml('iq', { type: 'set' }, payload), this.#connectTimeoutMs);
            const child = result.getChild(payload.name, NS_BIND);
            if (!child) throw new XmppError('protocol', 'resource binding returned no JID');
            return child;
          },
        },
      },
      options.resource,
    );
    iqCallee({ middleware, entity }); // answers malformed and unhandled IQ requests with errors (RFC 6120 §8.2.3)
    middleware.use((ctx, next) => this.#route(ctx.stanza, ctx.element, next));

    this.handleIq('get', 'urn:xmpp:ping', 'ping', () => 'result');
    // Roster pushes are acknowledged (RFC 6121 §2.1.6) unless a later handler takes them over; only from our account.
    this.handleIq('set', NS_ROSTER, 'query', (iq) => (!iq.attrs.from || sameBareJid(iq.attrs.from, this.jidBare) ? 'result' : undefined));

    this.#sm.on('ack', (stanza: Element) => this.#emit('acked', stanza.attrs.id, stanza));
    this.#sm.on('fail', (stanza: Element) => this.#emit('unacked', stanza.attrs.id, stanza));
    entity.on('error', (error: unknown) => {
      const e = toXmppError(error);
      if (e.code === 'stream-error') this.#streamError = e;
      else if (this.#status.state === 'online') this.#emit('warning', e);
    });
    entity.on('disconnect', () => this.#onDisconnect());
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  get state(): ConnectionState {
    return this.#status.state;
  }

  /** The full JID the server bound, once online. */
  get jid(): string | undefined {
    return this.#entity.jid?.toString();
  }

  /** How the current session is protected, for the UI's connection details. */
  get session(): SessionInfo {
    return {
      tls: this.#entity.isSecure(),
      mechanism: this.#mechanism,
      streamManagement: this.#sm.enabled,
      resumable: this.#sm.enabled && this.#sm.id !== '',
    };
  }

  on<E extends keyof ConnectionEvents>(event: E, listener: (...args: ConnectionEvents[E]) => void): () => void {
    this.#events.on(event, listener as (...args: unknown[]) => void);
    return () => this.#events.off(event, listener as (...args: unknown[]) => void);
  }

  /** Logs in; resolves once online (SM enabled when offered). Rejects with XmppError, state 'error'. */
  async connect(): Promise<void> {
    if (this.#status.state !== 'offline' && this.#status.state !== 'error') throw new XmppError('protocol', `connect() while ${this.#status.state}`);
    this.#wanted = true;
    this.#setStatus({ state: 'connecting' });
    try {
      await this.#attempt();
      this.#setStatus({ state: 'online', resumed: false });
    } catch (error) {
      const e = toXmppError(error);
      if (!this.#wanted) throw new XmppError('not-connected', 'disconnect() was called during login');
      this.#wanted = false;
      this.#setStatus({ state: 'error', error: e });
      throw e;
    }
  }

  /** Closes the stream (telling the server what we received) and stays offline. */
  async disconnect(): Promise<void> {
    this.#wanted = false;
    this.#cancelSleep?.();
    if (this.#entity.status !== 'offline') {
      try {
        await this.#entity.stop();
      } catch {
        this.#forceClose();
      }
    }
    this.#iq.rejectAll(new XmppError('not-connected', 'disconnected before the answer came'));
    this.#setStatus({ state: 'offline' });
  }

  /**
   * Sends a stanza; gives message/presence/iq an id when it has none and returns it
   * (the id `acked` reports). Throws XmppError('not-connected') unless online.
   */
  async send(stanza: Element): Promise<string> {
    if (this.#status.state !== 'online') throw new XmppError('not-connected', `cannot send while ${this.#status.state}`);
    assertXmlSafe(stanza);
    const id = stanza.attrs.id ?? randomUUID();
    stanza.attrs.id = id;
    try {
      await this.#entity.send(stanza);
    } catch (error) {
      throw new XmppError('not-connected', 'the stanza could not be written', { cause: error });
    }
    return id;
  }

  /** Sends `<iq type>` with `payload` and resolves with the `<iq type='result'>`. */
  async iq(type: 'get' | 'set', payload: Element, options: { to?: string; timeoutMs?: number } = {}): Promise<Element> {
    if (this.#status.state !== 'online') throw new XmppError('not-connected', `cannot send an IQ while ${this.#status.state}`);
    assertXmlSafe(payload);
    return this.#iq.request(xml('iq', { type, to: options.to }, payload), options.timeoutMs ?? this.#iqTimeoutMs);
  }

  /** Answers incoming IQs of `type` whose payload is `<name xmlns=ns>`. Returns an unregister function. */
  handleIq(type: 'get' | 'set', ns: string, name: string, handler: IqHandler): () => void {
    const key = `${type} ${ns} ${name}`;
    this.#iqHandlers.set(key, handler);
    return () => {
      if (this.#iqHandlers.get(key) === handler) this.#iqHandlers.delete(key);
    };
  }

  #route(stanza: Element, payload: Element | undefined, next: () => Promise<unknown>): unknown {
    if (stanza.name === 'iq') {
      const type = stanza.attrs.type;
      if ((type !== 'get' && type !== 'set') || !payload) return next();
      const handler = this.#iqHandlers.get(`${type} ${payload.getNS() ?? ''} ${payload.getName()}`);
      if (!handler) return next();
      return Promise.resolve(handler(stanza, payload)).then((answer) => (answer === 'result' ? true : answer));
    }
    if (stanza.name === 'message' || stanza.name === 'presence') {
      try {
        this.#emit('stanza', stanza);
      } catch (error) {
        this.#emit('warning', toXmppError(error));
      }
    }
    return undefined;
  }

  /** One login: TCP, STARTTLS, SASL, then resume (→ true) or bind + enable SM (→ false). */
  #attempt(): Promise<boolean> {
    this.#smOffered = false;
    this.#streamError = undefined;
    return loginOnce({
      entity: this.#entity,
      sm: this.#sm,
      service: this.#service,
      domain: this.domain,
      timeoutMs: this.#connectTimeoutMs,
      smOffered: () => this.#smOffered,
      streamError: () => this.#streamError,
      forceClose: () => this.#forceClose(),
    });
  }

  #onDisconnect(): void {
    if (this.#status.state !== 'online' || !this.#wanted) return;
    const streamError = this.#streamError;
    if (streamError && !isRetryable(streamError)) {
      this.#giveUp(streamError);
      return;
    }
    if (!this.#backoff) {
      this.#giveUp(streamError ?? new XmppError('unreachable', 'the connection was lost'));
      return;
    }
    void this.#reconnectLoop(this.#backoff);
  }

  /** The connection is lost for good: no answer to a pending IQ can come any more. */
  #giveUp(error: XmppError): void {
    this.#wanted = false;
    this.#iq.rejectAll(new XmppError('not-connected', 'the connection was lost before the answer came'));
    this.#setStatus({ state: 'error', error });
  }

  async #reconnectLoop(policy: BackoffPolicy): Promise<void> {
    let attempt = 0;
    let lastError: XmppError | undefined = this.#streamError;
    while (this.#wanted) {
      this.#setStatus({ state: 'reconnecting', attempt, ...(lastError ? { error: lastError } : {}) });
      await this.#sleep(backoffDelay(attempt, policy, this.#random));
      if (!this.#wanted) return;
      try {
        const resumed = await this.#attempt();
        // A fresh session will never answer the old session's IQs.
        if (!resumed) this.#iq.rejectAll(new XmppError('not-connected', 'the session ended before the answer came'));
        this.#setStatus({ state: 'online', resumed });
        return;
      } catch (error) {
        if (!this.#wanted) return;
        lastError = toXmppError(error);
        if (!isRetryable(lastError)) {
          this.#giveUp(lastError);
          return;
        }
        attempt++;
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#cancelSleep = done;
    });
  }

  /** Drops the transport at once (after a failed attempt the stream may be half-open). */
  #forceClose(): void {
    const socket = this.#entity.socket;
    if (!socket) return;
    try {
      socket.socket?.destroy();
      socket.destroy?.();
    } catch {
      // already closed
    }
  }

  #setStatus(status: ConnectionStatus): void {
    this.#status = status;
    this.#emit('state', status);
  }

  #emit<E extends keyof ConnectionEvents>(event: E, ...args: ConnectionEvents[E]): void {
    this.#events.emit(event, ...args);
  }
}
