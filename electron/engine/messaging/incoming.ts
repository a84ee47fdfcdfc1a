/**
 * Receiving: one message or one archive page at a time (the engine serialises them),
 * deduplicated by the sender's id and the archive's id before anything is decrypted, then
 * decrypted, checked (SCE affixes) and stored in ONE transaction with the ratchet step it
 * consumed. A page is one transaction (one fsync); whatever a message writes is a savepoint in
 * it, so one message that fails rolls back alone; events, receipts and answers go out only
 * after the commit. Nothing here throws to the caller: a message that cannot be read is stored
 * as 'undecryptable' with a reason code, a malformed stanza is dropped with a log line that
 * holds neither text nor keys.
 */
import { randomUUID } from 'node:crypto';
import { decryptMessage, type DecryptResult, type DeviceAddress, type EncryptedMessage } from '../protocol/index.js';
import type { Message } from '../store/index.js';
import { bareJid, sameBareJid } from '../xmpp/jid.js';
import { parseEncrypted } from '../xmpp/omemo2-elements.js';
import { envelopeBody, parseEnvelope } from '../xmpp/sce.js';
import type { EngineContext } from './context.js';
import type { DeviceDirectory } from './device-directory.js';
import { reasonOf } from './errors.js';
import type { ReceivedMessage, TimerChanged } from './events.js';
import { receiveDisappearing } from './disappearing/received.js';
import { NS_OMEMO2, NS_RECEIPTS } from './namespaces.js';
import { archiveCursorKey } from './catch-up.js';
import type { Outgoing } from './outgoing.js';
import { originIdOf, receiptStanza, type InboundMessage } from './stanzas.js';
import { settleDeviceTrust } from './trust.js';

/** Consecutive failures from one device before we replace the session (XEP-0384 §6). */
export const RESET_AFTER_FAILURES = 3;

export interface IncomingHooks {
  /** A key exchange consumed a one-time pre-key: replenish and republish the bundle. */
  preKeyUsed(): void;
  /** A stored message has an expiry time (our other device sent a disappearing message). */
  countdownStarted?(expiresAt: number): void;
}

interface Routing {
  readonly sender: string;
  /** The conversation's peer. */
  readonly peer: string;
  /** Bare JID the stanza was addressed to (the SCE 'to' affix must match it). */
  readonly to: string;
  readonly direction: 'in' | 'out';
}

/** What a handled message still has to do once its transaction has committed. */
type Effect = () => void;

type Outcome =
  | { readonly kind: 'empty'; readonly result: DecryptResult; readonly timer?: TimerChanged }
  | { readonly kind: 'message'; readonly result: DecryptResult; readonly event: ReceivedMessage; readonly requestReceipt: boolean; readonly timer?: TimerChanged }
  | { readonly kind: 'rejected'; readonly result: DecryptResult; readonly reason: string; readonly id: string };

export class Incoming {
  readonly #failures = new Map<string, number>();
  /** Answers held back during archive catch-up (XEP-0384 §6: answer once, after catching up). */
  readonly #deferred = new Map<string, DeviceAddress>();
  /**
   * Receipts (XEP-0184) held back during catch-up, as [to, message id]: the server archives
   * each one, and handles our stanzas in order, so sent at once they would queue ahead of our
   * next archive query and slow catch-up down to the server's archive writes.
   */
  readonly #deferredReceipts: [string, string][] = [];
  #catchingUp = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly directory: DeviceDirectory,
    private readonly outgoing: Outgoing,
    private readonly hooks: IncomingHooks,
  ) {}

  set catchingUp(value: boolean) {
    this.#catchingUp = value;
  }

  /** Sends the empty messages deferred during catch-up. */
  async flushDeferred(): Promise<void> {
    const pending = [...this.#deferred.values()];
    this.#deferred.clear();
    for (const address of pending) await this.outgoing.sendEmpty(address);
    for (const [to, id] of this.#deferredReceipts.splice(0)) this.#sendReceipt(to, id);
  }

  #sendReceipt(to: string, receivedId: string): void {
    this.ctx.transport.send(receiptStanza(to, randomUUID(), receivedId)).catch((e: unknown) => this.ctx.log(`receipt-failed reason=${reasonOf(e)}`));
  }

  /**
   * Whether this is a copy of a message handled already (offline storage pushing what the
   * archive delivered, a resend): the engine drops such copies as they arrive instead of
   * queueing them. A receipt it carries was confirmed with the first copy.
   */
  isDuplicate(inbound: InboundMessage): boolean {
    const route = this.#route(inbound);
    return route !== undefined && this.#seen(route.sender, originIdOf(inbound.stanza), inbound.archiveId);
  }

  /** One live message. */
  process(inbound: InboundMessage): void {
    this.processPage([inbound]);
  }

  /**
   * Messages in order, in one transaction with `alsoInTransaction` (the archive cursor); a
   * message that fails is dropped or stored as undecryptable without undoing the others.
   */
  processPage(batch: readonly InboundMessage[], alsoInTransaction?: () => void): void {
    const effects: Effect[] = [];
    try {
      this.ctx.store.transaction(() => {
        for (const inbound of batch) {
          try {
            // #handle writes only inside savepoints of its own; what it reads before may throw.
            const effect = this.#handle(inbound);
            if (effect) effects.push(effect);
          } catch (error) {
            this.ctx.log(`stanza-dropped via=${inbound.via} reason=${reasonOf(error)}`);
          }
        }
        alsoInTransaction?.();
      });
    } catch (error) {
      // Nothing of the batch was stored; the archive still has it for the next catch-up.
      this.ctx.log(`batch-dropped messages=${batch.length} reason=${reasonOf(error)}`);
      return;
    }
    for (const effect of effects) {
      try {
        effect();
      } catch (error) {
        this.ctx.log(`after-store-failed reason=${reasonOf(error)}`);
      }
    }
  }

  /**
   * Runs inside the batch's transaction; returns what to do after the commit. Every write is
   * in a savepoint of its own (#decryptAndStore, #recordFailure, #storePlain): a throw leaves
   * nothing of this message behind.
   */
  #handle(inbound: InboundMessage): Effect | undefined {
    const { ctx } = this;
    const stanza = inbound.stanza;
    if (stanza.attrs.type === 'error' || stanza.attrs.type === 'groupchat' || stanza.attrs.type === 'headline') return;
    const routing = this.#route(inbound);
    if (!routing) return;
    if (this.#forgotten(inbound)) return;

    const receipt = stanza.getChild('received', NS_RECEIPTS);
    const receiptId = routing.direction === 'in' ? receipt?.attrs.id : undefined;
    const confirm: Effect | undefined = receiptId ? () => this.outgoing.delivered(routing.sender, receiptId) : undefined;

    const encrypted = stanza.getChild('encrypted', NS_OMEMO2);
    if (!encrypted) {
      const body = stanza.getChildText('body');
      const stored = body !== null && body !== '' ? this.#storePlain(inbound, routing, body) : undefined;
      return both(confirm, stored);
    }
    // A copy we handled already (offline storage after the archive, a carbon, a resend) costs
    // no parsing or decryption: its message key is spent anyway.
    const originId = originIdOf(stanza);
    if (this.#seen(routing.sender, originId, inbound.archiveId)) return confirm;
    let message: EncryptedMessage;
    try {
      message = parseEncrypted(encrypted, routing.sender);
    } catch (error) {
      ctx.log(`stanza-dropped via=${inbound.via} reason=${reasonOf(error)}`);
      return confirm;
    }
    const sender: DeviceAddress = message.sender;
    if (sameBareJid(sender.jid, ctx.jid) && sender.deviceId === ctx.deviceId) return confirm; // our own message reflected

    const key = message.keys.find((k) => sameBareJid(k.address.jid, ctx.jid) && k.address.deviceId === ctx.deviceId);
    if (!key) {
      if (message.payload === null) return confirm;
      return both(confirm, this.#recordFailure(inbound, routing, sender, originId, 'not-encrypted-for-this-device', false));
    }

    let outcome: Outcome;
    try {
      // A savepoint: a failed decryption rolls back its ratchet step, not the page.
      outcome = ctx.store.transaction(() => this.#decryptAndStore(inbound, routing, message, key, originId));
    } catch (error) {
      return both(confirm, this.#recordFailure(inbound, routing, sender, originId, reasonOf(error), true));
    }
    this.#failures.delete(`${sender.jid}/${sender.deviceId}`);
    return both(confirm, () => this.#afterDecrypt(outcome, sender, routing, inbound));
  }

  /** Who sent it, to whom, and which conversation it belongs to; undefined drops the stanza. */
  #route(inbound: InboundMessage): Routing | undefined {
    const { ctx } = this;
    const { stanza } = inbound;
    const sender = bareJid(stanza.attrs.from ?? ctx.jid);
    const to = bareJid(stanza.attrs.to ?? ctx.jid);
    const fromUs = sameBareJid(sender, ctx.jid);
    // Carbons of messages we sent elsewhere must come from us (unwrapLive checked the wrapper).
    if (inbound.via === 'carbon-sent' && !fromUs) return undefined;
    return { sender, to, peer: fromUs ? to : sender, direction: fromUs ? 'out' : 'in' };
  }

  #seen(senderJid: string, originId: string | undefined, archiveId: string | undefined): boolean {
    const { processedStanzas } = this.ctx.store;
    return (originId !== undefined && processedStanzas.has(senderJid, originId)) || (archiveId !== undefined && processedStanzas.has(this.ctx.jid, archiveId));
  }

  /** Expired or deleted here before: an archive replay or a late carbon must not bring it back. */
  #forgotten(inbound: InboundMessage): boolean {
    const messageId = originIdOf(inbound.stanza);
    const stanzaId = inbound.archiveId;
    return this.ctx.store.forgottenMessages.isForgotten({ ...(messageId !== undefined && { messageId }), ...(stanzaId !== undefined && { stanzaId }) });
  }

  #markProcessed(senderJid: string, originId: string | undefined, archiveId: string | undefined): void {
    const at = this.ctx.now();
    if (originId !== undefined) this.ctx.store.processedStanzas.record(senderJid, originId, at);
    if (archiveId !== undefined) {
      this.ctx.store.processedStanzas.record(this.ctx.jid, archiveId, at);
      // Live messages come in archive order after the sign-in catch-up: the next catch-up starts after them.
      if (!this.#catchingUp) this.ctx.store.syncState.set(archiveCursorKey(this.ctx.jid), archiveId);
    }
  }

  /** The local id: the sender's id unless another message already has it. */
  #localId(originId: string | undefined): string {
    return originId !== undefined && this.ctx.store.messages.get(originId) === undefined ? originId : randomUUID();
  }

  /** Runs inside the transaction: a throw here rolls back the ratchet step too. */
  #decryptAndStore(inbound: InboundMessage, routing: Routing, message: EncryptedMessage, key: { kex: boolean; data: Uint8Array }, originId: string | undefined): Outcome {
    const { ctx } = this;
    const result = decryptMessage(ctx.protocol, message.sender, key, message.payload);
    this.#markProcessed(message.sender.jid, originId, inbound.archiveId);
    if (result.envelope === null) return { kind: 'empty', result };
    const id = this.#localId(originId);
    const conversation = ctx.store.conversations.open(routing.peer);
    const base = {
      id,
      conversationId: conversation.id,
      direction: routing.direction,
      senderJid: routing.sender,
      senderDevice: message.sender.deviceId,
      receivedAt: ctx.now(),
      encryption: 'omemo:2',
      ...(inbound.archiveId ? { stanzaId: inbound.archiveId } : {}),
    } as const;
    let opened;
    try {
      // XEP-0420 §5: the affixes must match the stanza; the time must fit when it was sent.
      const sentAt = inbound.delayedAt === undefined ? undefined : new Date(inbound.delayedAt);
      opened = parseEnvelope(result.envelope, { stanzaFrom: routing.sender, stanzaTo: routing.to, now: new Date(ctx.now()), ...(sentAt ? { sentAt } : {}) });
    } catch (error) {
      // The ratchet step stays committed (the key is spent either way); the content is refused.
      const reason = reasonOf(error);
      ctx.store.messages.insert({ ...base, sentAt: inbound.delayedAt ?? ctx.now(), state: 'undecryptable', stateReason: reason });
      return { kind: 'rejected', result, reason, id };
    }
    const trusted = settleDeviceTrust(ctx.store.devices, message.sender);
    const rawBody = envelopeBody(opened);
    const body = rawBody ?? '';
    const sentAt = opened.time?.getTime() ?? inbound.delayedAt ?? ctx.now();
    const disappearing = receiveDisappearing(opened.content, { store: ctx.store, conversation, ownJid: ctx.jid, direction: routing.direction, sentAt, hasBody: rawBody !== undefined });
    const timer = disappearing.changed;
    if (disappearing.settingOnly) return { kind: 'empty', result, ...(timer && { timer }) };
    const row: Message = {
      ...base,
      body,
      sentAt,
      state: routing.direction === 'in' ? 'delivered' : 'sent',
      ...(trusted ? {} : { stateReason: 'untrusted-device' }),
      ...disappearing.row,
    };
    ctx.store.messages.insert(row);
    const event: ReceivedMessage = {
      id,
      from: routing.sender,
      peerJid: routing.peer,
      direction: routing.direction,
      body,
      timestamp: sentAt,
      device: message.sender.deviceId,
      encryption: 'omemo:2',
      trusted,
      via: inbound.via,
      ...disappearing.row,
    };
    const requestReceipt = routing.direction === 'in' && inbound.via !== 'carbon-received' && inbound.stanza.getChild('request', NS_RECEIPTS) !== undefined;
    return { kind: 'message', result, event, requestReceipt, ...(timer && { timer }) };
  }

  #afterDecrypt(outcome: Outcome, sender: DeviceAddress, routing: Routing, inbound: InboundMessage): void {
    const { ctx } = this;
    const { result } = outcome;
    if (result.newSession) ctx.emit('devices', { jid: sender.jid, added: [], removed: [], identityChanged: [] });
    if (result.usedPreKeyId !== undefined) this.hooks.preKeyUsed();
    if (outcome.kind !== 'rejected' && outcome.timer) ctx.emit('timer', outcome.timer);
    if (outcome.kind === 'message' && outcome.event.expiresAt !== undefined) this.hooks.countdownStarted?.(outcome.event.expiresAt);
    if (outcome.kind === 'message') {
      ctx.emit('message', outcome.event);
      const receivedId = originIdOf(inbound.stanza);
      if (outcome.requestReceipt && receivedId) {
        if (this.#catchingUp) this.#deferredReceipts.push([routing.sender, receivedId]);
        else this.#sendReceipt(routing.sender, receivedId);
      }
    } else if (outcome.kind === 'rejected') {
      ctx.emit('undecryptable', { id: outcome.id, from: routing.sender, device: sender.deviceId, reason: outcome.reason });
    }
    if (result.respond !== 'none') {
      if (this.#catchingUp) this.#deferred.set(`${sender.jid}/${sender.deviceId}`, sender);
      else void this.outgoing.sendEmpty(sender);
    }
  }

  #storePlain(inbound: InboundMessage, routing: Routing, body: string): Effect | undefined {
    const { ctx } = this;
    const originId = originIdOf(inbound.stanza);
    if (this.#seen(routing.sender, originId, inbound.archiveId)) return undefined;
    const event = ctx.store.transaction(() => {
      this.#markProcessed(routing.sender, originId, inbound.archiveId);
      const id = this.#localId(originId);
      const sentAt = inbound.delayedAt ?? ctx.now();
      const conversation = ctx.store.conversations.open(routing.peer);
      ctx.store.messages.insert({
        id,
        conversationId: conversation.id,
        direction: routing.direction,
        senderJid: routing.sender,
        body,
        sentAt,
        receivedAt: ctx.now(),
        state: routing.direction === 'in' ? 'delivered' : 'sent',
        encryption: 'none',
        ...(inbound.archiveId ? { stanzaId: inbound.archiveId } : {}),
      });
      return { id, from: routing.sender, peerJid: routing.peer, direction: routing.direction, body, timestamp: sentAt, device: 0, encryption: 'none', trusted: false, via: inbound.via } as const;
    });
    return () => ctx.emit('message', event);
  }

  /**
   * Stores a message we could not read, with its reason, so the user sees that something
   * arrived. After repeated failures from one device its session is replaced (XEP-0384 §6).
   */
  #recordFailure(inbound: InboundMessage, routing: Routing, sender: DeviceAddress, originId: string | undefined, reason: string, countsTowardsReset: boolean): Effect {
    const { ctx } = this;
    const id = ctx.store.transaction(() => {
      this.#markProcessed(sender.jid, originId, inbound.archiveId);
      const localId = this.#localId(originId);
      ctx.store.messages.insert({
        id: localId,
        conversationId: ctx.store.conversations.open(routing.peer).id,
        direction: routing.direction,
        senderJid: routing.sender,
        senderDevice: sender.deviceId,
        sentAt: inbound.delayedAt ?? ctx.now(),
        receivedAt: ctx.now(),
        state: 'undecryptable',
        stateReason: reason,
        encryption: 'omemo:2',
        ...(inbound.archiveId ? { stanzaId: inbound.archiveId } : {}),
      });
      return localId;
    });
    return () => {
      ctx.log(`undecryptable device=${sender.deviceId} reason=${reason}`);
      ctx.emit('undecryptable', { id, from: routing.sender, device: sender.deviceId, reason });
      if (!countsTowardsReset) return;
      const key = `${sender.jid}/${sender.deviceId}`;
      const failures = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      if (failures >= RESET_AFTER_FAILURES) {
        this.#failures.delete(key);
        void this.#resetSession(sender);
      }
    };
  }

  async #resetSession(address: DeviceAddress): Promise<void> {
    this.ctx.log(`session-reset device=${address.deviceId}`);
    if (await this.directory.buildSessionWith(address, { force: true })) await this.outgoing.sendEmpty(address);
  }
}

/** Both effects, in order; undefined if neither. */
function both(first: Effect | undefined, second: Effect | undefined): Effect | undefined {
  if (!first || !second) return first ?? second;
  return () => {
    first();
    second();
  };
}
