/**
 * The messaging engine: composes the protocol core, the encrypted store and a Transport into
 * send / receive / trust, and tells the UI layer what happened through events. Failures in
 * incoming traffic never escape: they become stored 'undecryptable' messages or log lines.
 */
import { EventEmitter } from 'node:events';
import type { Element } from '@xmpp/xml';
import { defaultBackend, type AsymmetricBackend } from '../crypto/backend/index.js';
import { formatFingerprint } from '../crypto/fingerprint.js';
import { deleteUsedPreKeys, replenishPreKeys, type ProtocolContext } from '../protocol/index.js';
import type { Message, MessageCursor, Store } from '../store/index.js';
import { capsElement, discoInfoQuery, NS_DISCO_INFO } from '../xmpp/disco.js';
import { bareJid } from '../xmpp/jid.js';
import { xml } from '../xmpp/xml.js';
import { ArchiveCatchUp, type CatchUpOptions } from './catch-up.js';
import { LastOnline, lastActivity } from './last-online.js';
import { CAPABILITIES } from './capabilities.js';
import type { EngineContext, Logger } from './context.js';
import { DeviceDirectory } from './device-directory.js';
import { MessagingError, reasonOf } from './errors.js';
import type { DeviceInfo, EngineEvents, TimerChanged } from './events.js';
import { Incoming } from './incoming.js';
import { NS_CARBONS } from './namespaces.js';
import { Outgoing, type SendOptions, type SentMessage } from './outgoing.js';
import { Disappearing, type DisappearingOptions } from './disappearing/controller.js';

import { ensureOwnDevice, protocolContext } from './own-device.js';
import { SerialQueue } from './serial-queue.js';
import { SignedPreKeyRotation, type SignedPreKeyRotationOptions } from './signed-pre-key-rotation.js';
import { isArchiveResult, unwrapLive, type InboundMessage } from './stanzas.js';
import type { Transport, TransportStatus } from './transport.js';
import type { TrustDecision } from './trust.js';
import { listDevices, setDeviceTrust } from './device-info.js';

export interface EngineOptions {
  readonly store: Store;
  readonly transport: Transport;
  readonly backend?: AsymmetricBackend;
  /** Milliseconds since the epoch; injectable for tests. */
  readonly now?: () => number;
  /** Receives one line per notable event; never message text or keys. */
  readonly log?: Logger;
  /** One-time pre-keys kept published (default 100, XEP-0384 §4.2). */
  readonly preKeyCount?: number;
  /** Disappearing messages: clock and timer seams for tests. */
  readonly disappearing?: DisappearingOptions;
  /** Archive catch-up: page size and clock skew seams for tests. */
  readonly catchUp?: CatchUpOptions;
  /** Signed pre-key rotation and grace periods (default 7 days each, XEP-0384 §4.2); RangeError when invalid. */
  readonly signedPreKey?: SignedPreKeyRotationOptions;
}

/** Archive catch-up starts this long before we were last seen online (clock skew, in-flight stanzas). */
const CATCH_UP_MARGIN_MS = 2 * 60_000;
const TICK_MS = 10_000;


export class MessagingEngine {
  readonly #events = new EventEmitter();
  readonly #ctx: EngineContext;
  readonly #protocol: ProtocolContext;
  readonly #directory: DeviceDirectory;
  readonly #outgoing: Outgoing;
  readonly #incoming: Incoming;
  readonly #catchUp: ArchiveCatchUp;
  readonly #disappearing: Disappearing;
  readonly #queue = new SerialQueue();
  readonly #unsubscribe: (() => void)[] = [];
  /** The device was created by this engine: nothing in the archive can be for it. */
  readonly #newDevice: boolean;
  readonly #lastOnline: LastOnline;
  #ready = false;
  #signedInOnce = false;
  #catchingUp = false;
  /** Sign-in is replacing the stream on purpose (#freshStream): its state changes are not news. */
  #restartingStream = false;
  #bundleDirty = false;
  #ticker: NodeJS.Timeout | undefined;
  readonly #preKeyTarget: number | undefined;
  readonly #signedPreKey: SignedPreKeyRotation;

  constructor(options: EngineOptions) {
    const now = options.now ?? Date.now;
    const log = options.log ?? (() => undefined);
    const { store, transport } = options;
    this.#protocol = protocolContext(store, options.backend ?? defaultBackend(), now);
    // Before the device is created: invalid options must not leave a half-set-up store behind.
    this.#signedPreKey = new SignedPreKeyRotation({ protocol: this.#protocol, transaction: (fn) => store.transaction(fn), log }, options.signedPreKey);
    const { identity, created } = ensureOwnDevice(this.#protocol, store, transport.jid, options.preKeyCount);
    this.#newDevice = created;
    this.#preKeyTarget = options.preKeyCount;
    this.#ctx = {
      store,
      transport,
      protocol: this.#protocol,
      jid: identity.jid,
      deviceId: identity.deviceId,
      now,
      log,
      emit: (event, ...args) => {
        try {
          this.#events.emit(event, ...args);
        } catch (error) {
          log(`listener-failed event=${event} reason=${reasonOf(error)}`);
        }
      },
    };
    this.#directory = new DeviceDirectory(this.#ctx);
    this.#disappearing = new Disappearing(this.#ctx, this.#directory, options.disappearing);
    // Whatever expired while the store was closed goes now, before anything is read or shown.
    this.#disappearing.scheduler.recheck();
    const countdownStarted = (expiresAt: number): void => this.#disappearing.scheduler.changed(expiresAt);
    this.#outgoing = new Outgoing(this.#ctx, this.#directory, { countdownStarted });
    this.#incoming = new Incoming(this.#ctx, this.#directory, this.#outgoing, { preKeyUsed: () => this.#preKeyUsed(), countdownStarted });
    this.#catchUp = new ArchiveCatchUp(this.#ctx, (page, alsoInTransaction) => this.#incoming.processPage(page, alsoInTransaction), options.catchUp);
    this.#lastOnline = new LastOnline(store, identity.jid, created ? now() : lastActivity(store, identity.jid, now()), log);
  }

  get jid(): string {
    return this.#ctx.jid;
  }

  get deviceId(): number {
    return this.#ctx.deviceId;
  }

  /** This device's fingerprint (XEP-0384 §8), for the user to compare. */
  get fingerprint(): string {
    return formatFingerprint(this.#ctx.store.account.get()!.identityPublic);
  }

  get isReady(): boolean {
    return this.#ready;
  }

  on<E extends keyof EngineEvents>(event: E, listener: (...args: EngineEvents[E]) => void): () => void {
    this.#events.on(event, listener as (...args: unknown[]) => void);
    return () => this.#events.off(event, listener as (...args: unknown[]) => void);
  }

  /**
   * Connects and signs in: carbons on, device list and bundle published, archive caught up,
   * presence sent, the outbox flushed. Rejects with the transport's error (wrong password,
   * unreachable, certificate) or MessagingError('publish-failed').
   */
  async start(): Promise<void> {
    const { transport } = this.#ctx;
    transport.handleIqGet(NS_DISCO_INFO, 'query', (_from, query) => discoInfoQuery(CAPABILITIES, query.attrs.node));
    this.#unsubscribe.push(
      transport.on('stanza', (s) => this.#onStanza(s)),
      transport.on('acked', (id) => this.#outgoing.acknowledged(id)),
      transport.on('state', (status) => this.#onState(status)),
    );
    if (this.#disappearing.ownsScheduler) this.#disappearing.scheduler.start();
    await transport.connect();
    await this.#queue.push(() => this.#signIn(true), (e) => {
      throw e;
    });
    this.#ticker = setInterval(() => this.#tick(), TICK_MS);
    this.#ticker.unref();
  }

  /** Goes offline; what is still in the outbox is sent on the next start. */
  async stop(): Promise<void> {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = undefined;
    if (this.#disappearing.ownsScheduler) this.#disappearing.scheduler.stop();
    await this.#queue.idle();
    for (const off of this.#unsubscribe.splice(0)) off();
    if (this.#ready) this.#lastOnline.record(this.#ctx.now(), true);
    this.#ready = false;
    await this.#ctx.transport.disconnect();
  }

  /**
   * Encrypts `text` for every trusted device of `to` and our own other trusted devices and
   * sends it. Resolves once it is stored and written (state 'pending'); 'sent' follows on
   * the server's ack (waitUntilSent). Throws MessagingError('no-trusted-devices').
   * `id` (optional) names the message; the id of a 'failed' outgoing message resends it.
   */
  send(to: string, text: string, id?: string, options?: SendOptions): Promise<SentMessage> {
    return this.#outgoing.send(bareJid(to), text, id, options);
  }

  /**
   * Sets the disappearing timer of the conversation with `peer` (undefined = off) for messages
   * sent from now on, and sends the change to the peer and our other devices (disappearing/).
   */
  setConversationTimer(peer: string, seconds: number | undefined): Promise<TimerChanged> {
    return this.#disappearing.setTimer(bareJid(peer), seconds);
  }

  /** The user saw the conversation with `peer` up to `upTo` (default all): countdowns start. */
  markDisplayed(peer: string, upTo?: MessageCursor): number {
    return this.#disappearing.markDisplayed(bareJid(peer), upTo);
  }

  /** Purges what is due and re-arms the expiry timer: call on resume from sleep or a clock change. */
  recheckExpiry(): string[] {
    return this.#disappearing.scheduler.recheck();
  }

  /** Resolves when the server acknowledged message `id` (or the peer confirmed it). */
  waitUntilSent(id: string, timeoutMs = 30_000): Promise<void> {
    const done = (): boolean => {
      const state = this.#ctx.store.messages.get(id)?.state;
      return state === 'sent' || state === 'delivered';
    };
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new MessagingError('timeout', 'the server did not acknowledge the message in time'));
      }, timeoutMs);
      const off = this.on('delivery', (change) => {
        if (change.id !== id || !done()) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  /** Waits until every incoming stanza received so far has been handled. */
  settle(): Promise<void> {
    return this.#queue.idle();
  }

  /** Known devices of `jid` (ours included for our own JID) with fingerprints and trust. */
  devices(jid: string): DeviceInfo[] {
    return listDevices(this.#ctx.store, jid);
  }

  /** The user's decision on one device (see setDeviceTrust); emits 'devices'. */
  setTrust(jid: string, deviceId: number, decision: TrustDecision): void {
    setDeviceTrust(this.#ctx.store, jid, deviceId, decision);
    this.#ctx.emit('devices', { jid: bareJid(jid), added: [], removed: [], identityChanged: [] });
  }

  /**
   * Removes another device of our account (DeviceDirectory.removeOwnDevice): from our device
   * list and its bundle from PEP; we stop encrypting to it at once. In the queue, so it never
   * interleaves with sign-in's own device-list publish. Throws MessagingError ('not-online',
   * 'not-allowed', 'unknown-device', 'device-list-full', 'publish-failed').
   */
  async removeOwnDevice(deviceId: number): Promise<void> {
    if (this.#ctx.transport.status.state !== 'online' || !this.#ready) throw new MessagingError('not-online', 'removing a device needs the connection');
    await this.#queue.push(
      () => this.#directory.removeOwnDevice(deviceId),
      (e) => {
        throw e;
      },
    );
  }

  /** Fetches `jid`'s device list now, and the bundles of devices we have no session with (fingerprints). */
  async refreshDevices(jid: string): Promise<DeviceInfo[]> {
    const bare = bareJid(jid);
    await this.#directory.fetchDeviceList(bare);
    await this.#directory.completeSessions(bare);
    return this.devices(bare);
  }

  /** The newest `limit` messages with `jid`, oldest first (never an expired one). */
  history(jid: string, limit = 50): Message[] {
    const conversation = this.#ctx.store.conversations.findByPeer(bareJid(jid));
    return conversation ? this.#ctx.store.messages.page(conversation.id, { limit }) : [];
  }

  #onStanza(stanza: Element): void {
    this.#lastOnline.seen(this.#ctx.now());
    if (stanza.name !== 'message') return;
    if (this.#catchUp.take(stanza) || isArchiveResult(stanza)) return;
    if (this.#directory.handleNotification(stanza)) return;
    const inbound = unwrapLive(stanza, this.#ctx.jid);
    if (!inbound) {
      this.#ctx.log('stanza-dropped reason=forged-carbon');
      return;
    }
    if (this.#isDuplicate(inbound)) return; // after a long absence: the whole offline flood
    void this.#queue.push(async () => this.#incoming.process(inbound), (e) => this.#ctx.log(`stanza-dropped reason=${reasonOf(e)}`));
  }

  /** A copy of a message handled already; if that cannot be told, the queue handles it as usual. */
  #isDuplicate(inbound: InboundMessage): boolean {
    try {
      return this.#incoming.isDuplicate(inbound);
    } catch {
      return false;
    }
  }

  #onState(status: TransportStatus): void {
    if (this.#restartingStream) return;
    this.#ctx.emit('connection', status);
    if (status.state !== 'online') {
      if (this.#ready) this.#lastOnline.seen(this.#ctx.now());
      return;
    }
    if (!this.#ready) return; // the first sign-in is start()'s
    if (status.resumed) {
      void this.#outgoing.flush(true);
      return;
    }
    this.#ready = false;
    void this.#queue.push(() => this.#signIn(), (e) => this.#ctx.log(`sign-in-failed reason=${reasonOf(e)}`));
  }

  /**
   * XEP-0384 §6 order: publish, go available, catch up, then delete consumed pre-keys and flush.
   * `beforePresence` (the first sign-in of this engine, where a long absence ends): catch up
   * on the archive first, before going available.
   */
  async #signIn(beforePresence = false): Promise<void> {
    const { transport, store, log } = this.#ctx;
    const since = this.#lastOnline.at - CATCH_UP_MARGIN_MS;
    const catchUp = !this.#newDevice || this.#signedInOnce;
    this.#catchingUp = true;
    this.#incoming.catchingUp = true;
    try {
      // After an absence the archive is read first; the rest of sign-in then needs a fresh
      // stream, or Prosody would withhold offline storage (catch-up.ts).
      if (catchUp && beforePresence && (await this.#catchUp.runBeforePresence(since, this.#lastOnline.at))) await this.#freshStream();
      await transport.iq('set', xml('enable', { xmlns: NS_CARBONS })).catch((e: unknown) => log(`carbons-unavailable reason=${reasonOf(e)}`));
      await this.#directory.publishOwnDevice();
      // Presence before the archive query: what arrives from now on comes live (queued behind
      // this task), what came before is in the archive. Prosody skips offline delivery for
      // clients that query the archive, so the other order would lose the gap between the two.
      await transport.send(xml('presence', {}, capsElement(CAPABILITIES)));
      if (catchUp) {
        const handled = await this.#catchUp.run(since).catch((e: unknown) => {
          log(`catch-up-failed reason=${reasonOf(e)}`);
          return 0;
        });
        log(`catch-up-done messages=${handled}`);
      }
    } finally {
      this.#catchingUp = false;
      this.#incoming.catchingUp = false;
    }
    const deleted = store.transaction(() => deleteUsedPreKeys(this.#protocol));
    // After catch-up, so archived key exchanges naming a key whose grace period just ended were still read.
    if (this.#signedPreKey.upkeep()) this.#bundleDirty = true;
    if (deleted > 0 || this.#bundleDirty) await this.#republishBundle();
    await this.#incoming.flushDeferred();
    await this.#outgoing.flush(false);
    await this.#disappearing.announcePending();
    this.#lastOnline.record(this.#ctx.now(), true);
    this.#ready = true;
    this.#signedInOnce = true;
    this.#ctx.emit('ready');
  }

  /** Closes the stream and signs in on a new one (a new session, not a XEP-0198 resumption). */
  async #freshStream(): Promise<void> {
    const { transport } = this.#ctx;
    this.#restartingStream = true;
    try {
      await transport.disconnect();
      await transport.connect();
    } finally {
      this.#restartingStream = false;
      this.#ctx.emit('connection', transport.status);
    }
  }

  #preKeyUsed(): void {
    this.#bundleDirty = true;
    if (!this.#catchingUp) void this.#republishBundle();
  }

  /** Tops the one-time pre-keys up and republishes the bundle (XEP-0384 §4.2). */
  async #republishBundle(): Promise<void> {
    this.#bundleDirty = false;
    try {
      this.#ctx.store.transaction(() => replenishPreKeys(this.#protocol, this.#preKeyTarget));
      await this.#directory.publishBundle();
    } catch (error) {
      this.#bundleDirty = true;
      this.#ctx.log(`bundle-republish-failed reason=${reasonOf(error)}`);
    }
  }

  #tick(): void {
    if (this.#ctx.transport.status.state !== 'online' || !this.#ready) return;
    this.#lastOnline.record(this.#ctx.now());
    void this.#outgoing.resendOverdue();
    if (this.#signedPreKey.upkeep()) this.#bundleDirty = true;
    if (this.#bundleDirty) void this.#republishBundle();
  }
}
