/**
 * Sending: a message is encrypted, stored and put in the outbox in ONE transaction (the
 * ratchet step and the message it produced commit together), then written to the stream.
 * The XEP-0198 ack marks it 'sent' and empties its outbox row; a XEP-0184 receipt marks it
 * 'delivered'. Whatever the stream lost is resent, byte for byte with the same id, when the
 * connection is back; the receiver deduplicates by that id.
 */
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { encryptMessage, type DeviceAddress } from '../protocol/index.js';
import { sameBareJid } from '../xmpp/jid.js';
import { serializeEnvelope } from '../xmpp/sce.js';
import { parseXml, stripIllegalXmlChars, xml } from '../xmpp/xml.js';
import type { EngineContext } from './context.js';
import type { DeviceDirectory } from './device-directory.js';
import { MessagingError, reasonOf } from './errors.js';
import { NS_CLIENT } from './namespaces.js';
import { encryptedMessageStanza } from './stanzas.js';
import { currentSetting } from './disappearing/timer-setting.js';
import { disappearingContent } from './disappearing/wire.js';

export interface SentMessage {
  readonly id: string;
  readonly to: string;
  /** Every device the message was encrypted for (recipient's and our own other devices). */
  readonly devices: readonly DeviceAddress[];
}

export interface SendOptions {
  /** This message's disappearing timer (seconds); default the conversation's timer. */
  readonly expireAfterSeconds?: number;
}

export interface OutgoingHooks {
  /** A sent disappearing message started counting down (its expiry time). */
  countdownStarted?(expiresAt: number): void;
}

/** Resend an entry the stream did not confirm after this long, even without a reconnect. */
const RESEND_AFTER_MS = 60_000;

export class Outgoing {
  /** Outbox ids written to the current stream (XEP-0198 resends these itself on resumption). */
  readonly #inFlight = new Set<string>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly directory: DeviceDirectory,
    private readonly hooks: OutgoingHooks = {},
  ) {}

  /**
   * `id` names the message (default a new UUID). The id of a stored outgoing message that
   * never reached the outbox ('failed', or 'pending' as the app queued it while no device of
   * the peer was known) sends that message under the same id: the row stays and is 'pending'
   * until acked, so the UI and the peer's deduplication see one message.
   */
  async send(to: string, text: string, id: string = randomUUID(), options: SendOptions = {}): Promise<SentMessage> {
    const { ctx } = this;
    const recipients = await this.directory.recipientsFor(to);
    if (!recipients.some((r) => sameBareJid(r.jid, to))) {
      throw new MessagingError('no-trusted-devices', 'the recipient has no device this message could be encrypted for');
    }
    const now = ctx.now();
    const { expiresAt, stanza, attempted } = ctx.store.transaction(() => {
      const earlier = ctx.store.messages.get(id);
      const unsent = earlier?.direction === 'out' && earlier.body === text && (earlier.state === 'failed' || earlier.state === 'pending') && !ctx.store.outbox.get(id);
      if (earlier && !unsent) throw new MessagingError('malformed', 'a message with this id exists already');
      this.directory.settleTrust(recipients);
      // XEP-0384 §6.1 / XEP-0420: the body travels inside the envelope with rpad, time, to and from.
      const body = xml('body', { xmlns: NS_CLIENT }, stripIllegalXmlChars(text));
      // Disappearing messages: this message's timer and the conversation setting ride in the
      // envelope (disappearing/wire.ts); the sender's copy counts down from now.
      const conversation = ctx.store.conversations.open(to);
      const timer = options.expireAfterSeconds ?? conversation.disappearingSeconds;
      const setting = currentSetting(conversation);
      const extra = disappearingContent({ ...(timer !== undefined && { messageTimer: timer }), ...(setting && { setting }) });
      const envelope = serializeEnvelope({ content: [body, ...extra], from: ctx.jid, to, time: new Date(now) });
      const encrypted = encryptMessage(ctx.protocol, envelope, recipients);
      const stanza = encryptedMessageStanza(to, id, encrypted, { receipt: true, hint: timer === undefined ? 'store' : 'no-permanent-store' });
      if (earlier) {
        ctx.store.messages.setState(id, 'pending');
      } else {
        ctx.store.messages.insert({
          id,
          conversationId: conversation.id,
          direction: 'out',
          senderJid: ctx.jid,
          senderDevice: ctx.deviceId,
          body: text,
          sentAt: now,
          state: 'pending',
          encryption: 'omemo:2',
          ...(timer !== undefined && { expireAfterSeconds: timer, expiresAt: now + timer * 1000 }),
        });
      }
      ctx.store.outbox.enqueue(id, new TextEncoder().encode(stanza.toString()), now);
      // The first attempt is recorded with the message: one commit per message sent, not two.
      const online = ctx.transport.status.state === 'online';
      if (online) ctx.store.outbox.recordAttempt(id, now + RESEND_AFTER_MS);
      return { expiresAt: timer === undefined ? undefined : now + timer * 1000, stanza, attempted: online };
    });
    if (expiresAt !== undefined) this.hooks.countdownStarted?.(expiresAt);
    if (attempted) await this.#write(id, stanza);
    return { id, to, devices: recipients };
  }

  /** Writes one outbox entry to the stream if online; a failure leaves it queued. */
  async transmit(id: string): Promise<void> {
    const { ctx } = this;
    const entry = ctx.store.outbox.get(id);
    if (!entry || ctx.transport.status.state !== 'online') return;
    let stanza;
    try {
      stanza = parseXml(new TextDecoder().decode(entry.payload));
      ctx.store.outbox.recordAttempt(id, ctx.now() + RESEND_AFTER_MS);
    } catch (error) {
      ctx.log(`outbox-send-failed reason=${reasonOf(error)}`);
      return;
    }
    await this.#write(id, stanza);
  }

  /** Writes an outbox entry whose attempt is recorded; a failure leaves it queued. */
  async #write(id: string, stanza: Element): Promise<void> {
    this.#inFlight.add(id);
    try {
      await this.ctx.transport.send(stanza);
    } catch (error) {
      this.#inFlight.delete(id);
      this.ctx.log(`outbox-send-failed reason=${reasonOf(error)}`);
    }
  }

  /**
   * After (re)connecting. A resumed stream already resends what it had (XEP-0198 §5); a new
   * stream lost it, so everything unconfirmed goes out again, oldest first.
   */
  async flush(resumed: boolean): Promise<void> {
    if (!resumed) this.#inFlight.clear();
    for (const entry of this.ctx.store.outbox.list()) {
      if (this.ctx.transport.status.state !== 'online') return;
      if (resumed && this.#inFlight.has(entry.messageId)) continue;
      await this.transmit(entry.messageId);
    }
  }

  /** Resends entries whose ack is overdue (a stream that stays up but lost them). */
  async resendOverdue(): Promise<void> {
    for (const entry of this.ctx.store.outbox.due(this.ctx.now())) await this.transmit(entry.messageId);
  }

  /** XEP-0198 ack: the server has it. */
  acknowledged(id: string): void {
    const { store } = this.ctx;
    this.#inFlight.delete(id);
    const changed = store.transaction(() => {
      if (!store.outbox.acknowledge(id)) return false;
      if (store.messages.get(id)?.state !== 'pending') return false;
      store.messages.setState(id, 'sent');
      return true;
    });
    if (changed) this.ctx.emit('delivery', { id, state: 'sent' });
  }

  /** XEP-0184 receipt from `from` for our message `id`: only the conversation's peer may confirm it. */
  delivered(from: string, id: string): void {
    const { store } = this.ctx;
    const changed = store.transaction(() => {
      const message = store.messages.get(id);
      if (!message || message.direction !== 'out' || message.state === 'delivered') return false;
      const peer = store.conversations.get(message.conversationId)?.peerJid;
      if (!peer || !sameBareJid(peer, from)) return false;
      store.outbox.acknowledge(id);
      store.messages.setState(id, 'delivered');
      return true;
    });
    if (changed) this.ctx.emit('delivery', { id, state: 'delivered' });
  }

  /**
   * An empty OMEMO message to one device (XEP-0384 §6: key exchange acknowledgement,
   * heartbeat, announcing a reset session). Not queued: if it is lost the peer simply
   * keeps its state until our next message.
   */
  async sendEmpty(address: DeviceAddress): Promise<void> {
    const { ctx } = this;
    try {
      const encrypted = ctx.store.transaction(() => encryptMessage(ctx.protocol, null, [address]));
      await ctx.transport.send(encryptedMessageStanza(address.jid, randomUUID(), encrypted, { receipt: false }));
    } catch (error) {
      ctx.log(`empty-message-failed device=${address.deviceId} reason=${reasonOf(error)}`);
    }
  }
}
