/**
 * Sending: a message is encrypted, stored and put in the outbox in ONE transaction (the
 * ratchet step and the message it produced commit together), then written to the stream.
 * The XEP-0198 ack marks it 'sent' and empties its outbox row; a XEP-0184 receipt marks it
 * 'delivered'. Whatever the stream lost is resent, byte for byte with the same id, when the
 * connection is back; the receiver deduplicates by that id.
 */
import { randomUUID } from 'node:crypto';
import { encryptMessage, type DeviceAddress } from '../protocol/index.js';
import { sameBareJid } from '../xmpp/jid.js';
import { serializeEnvelope } from '../xmpp/sce.js';
import { parseXml, stripIllegalXmlChars, xml } from '../xmpp/xml.js';
import type { EngineContext } from './context.js';
import type { DeviceDirectory } from './device-directory.js';
import { MessagingError, reasonOf } from './errors.js';
import { NS_CLIENT } from './namespaces.js';
import { encryptedMessageStanza } from './stanzas.js';

export interface SentMessage {
  readonly id: string;
  readonly to: string;
  /** Every device the message was encrypted for (recipient's and our own other devices). */
  readonly devices: readonly DeviceAddress[];
}

/** Resend an entry the stream did not confirm after this long, even without a reconnect. */
const RESEND_AFTER_MS = 60_000;

export class Outgoing {
  /** Outbox ids written to the current stream (XEP-0198 resends these itself on resumption). */
  readonly #inFlight = new Set<string>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly directory: DeviceDirectory,
  ) {}

  async send(to: string, text: string): Promise<SentMessage> {
    const { ctx } = this;
    const recipients = await this.directory.recipientsFor(to);
    if (!recipients.some((r) => sameBareJid(r.jid, to))) {
      throw new MessagingError('no-trusted-devices', 'the recipient has no device this message could be encrypted for');
    }
    const id = randomUUID();
    const now = ctx.now();
    ctx.store.transaction(() => {
      this.directory.settleTrust(recipients);
      // XEP-0384 §6.1 / XEP-0420: the body travels inside the envelope with rpad, time, to and from.
      const body = xml('body', { xmlns: NS_CLIENT }, stripIllegalXmlChars(text));
      const envelope = serializeEnvelope({ content: [body], from: ctx.jid, to, time: new Date(now) });
      const encrypted = encryptMessage(ctx.protocol, envelope, recipients);
      const stanza = encryptedMessageStanza(to, id, encrypted, { receipt: true });
      const conversation = ctx.store.conversations.open(to);
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
      });
      ctx.store.outbox.enqueue(id, new TextEncoder().encode(stanza.toString()), now);
    });
    await this.transmit(id);
    return { id, to, devices: recipients };
  }

  /** Writes one outbox entry to the stream if online; a failure leaves it queued. */
  async transmit(id: string): Promise<void> {
    const { ctx } = this;
    const entry = ctx.store.outbox.get(id);
    if (!entry || ctx.transport.status.state !== 'online') return;
    try {
      const stanza = parseXml(new TextDecoder().decode(entry.payload));
      this.#inFlight.add(id);
      ctx.store.outbox.recordAttempt(id, ctx.now() + RESEND_AFTER_MS);
      await ctx.transport.send(stanza);
    } catch (error) {
      this.#inFlight.delete(id);
      ctx.log(`outbox-send-failed reason=${reasonOf(error)}`);
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
