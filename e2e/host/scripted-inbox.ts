/**
 * Test host only: a messaging engine without a server, for UI specs that need an incoming
 * message but no second user. It makes the OMEMO device as the real engine would. Its seams —
 * callable only from the process that runs the host, never from the page — store what the
 * engine would store and announce it with the engine's events:
 *   - `deliver()`: a message received ('message' event);
 *   - `deliverUndecryptable()`: a message that could not be decrypted, stored as 'undecryptable'
 *     with a reason code and no body ('undecryptable' event), as electron/engine/messaging/incoming.ts does;
 *   - with `{ acceptSends: true }`, `send` stores the outgoing message as 'pending' (or sends a
 *     'failed' one again under its id), `failNextSend()` makes the next `send` refuse, `sends`
 *     records every call, and `acknowledge()` moves a message on to 'sent' ('delivery' event).
 */
import { randomUUID } from 'node:crypto';
import { defaultBackend } from '../../electron/engine/crypto/backend/index.js';
import { MessagingError, type MessagingErrorCode } from '../../electron/engine/messaging/errors.js';
import type { EngineEvents, ReceivedMessage } from '../../electron/engine/messaging/events.js';
import { ensureOwnDevice, protocolContext } from '../../electron/engine/messaging/index.js';
import type { Message, Store } from '../../electron/engine/store/index.js';
import type { MessagingFactory, MessagingPort } from '../../electron/app/messaging-port.js';

/** Announced: 'message', 'undecryptable' and 'delivery'; the other engine events need a server. */
type Listeners = { [E in keyof EngineEvents]?: ((...args: EngineEvents[E]) => void)[] };

export interface ScriptedSend {
  readonly to: string;
  readonly body: string;
  /** The id the app service asked for (undefined if it asked for none). */
  readonly id: string | undefined;
}

export interface ScriptedInboxOptions {
  /** `send` stores and accepts messages (default: it refuses every one, the inbox only receives). */
  readonly acceptSends?: boolean;
}

export interface ScriptedInbox extends MessagingFactory {
  /** Stores `body` as received from `from` (a bare JID) and announces it; resolves its id. */
  deliver(from: string, body: string): string;
  /** Stores a message from `from` that could not be decrypted, for `reason` (a code), and announces it; returns its id. */
  deliverUndecryptable(from: string, reason: string): string;
  /** The next `send` throws a MessagingError with `code` (the service keeps the message as 'failed'). */
  failNextSend(code?: MessagingErrorCode): void;
  /** Every `send` call, in order, failed ones included. */
  readonly sends: readonly ScriptedSend[];
  /** The server took message `id`: 'sent', announced as the engine does ('delivery'). */
  acknowledge(id: string): void;
}

export function scriptedInbox(options: ScriptedInboxOptions = {}): ScriptedInbox {
  let current: { store: Store; jid: string; listeners: Listeners } | undefined;
  const failures: MessagingErrorCode[] = [];
  const sends: ScriptedSend[] = [];

  const session = () => {
    if (!current) throw new Error('scripted inbox: the app is locked');
    return current;
  };
  const announce = <E extends keyof EngineEvents>(listeners: Listeners, event: E, ...args: EngineEvents[E]): void => {
    for (const listener of (listeners[event] ?? []) as ((...a: EngineEvents[E]) => void)[]) listener(...args);
  };
  /** Stores a message from `from` as the real engine would after decrypting (or failing to). */
  const storeIncoming = (from: string, fields: Pick<Message, 'state'> & Partial<Pick<Message, 'body' | 'stateReason'>>): { id: string; now: number } => {
    const { store } = session();
    const id = randomUUID();
    const now = Date.now();
    const conversation = store.conversations.open(from);
    store.messages.insert({
      id,
      conversationId: conversation.id,
      direction: 'in',
      senderJid: from,
      senderDevice: 1,
      sentAt: now,
      receivedAt: now,
      encryption: 'omemo:2',
      ...fields,
    });
    return { id, now };
  };

  return {
    sends,

    create({ store, account }): MessagingPort {
      ensureOwnDevice(protocolContext(store, defaultBackend(), Date.now), store, account.jid);
      const listeners: Listeners = {};
      current = { store, jid: account.jid, listeners };
      return {
        start: async () => undefined,
        stop: async () => {
          if (current?.store === store) current = undefined;
        },
        send: async (to, body, id) => {
          sends.push({ to, body, id });
          if (!options.acceptSends) throw new Error('the scripted inbox only receives');
          const failure = failures.shift();
          if (failure !== undefined) throw new MessagingError(failure, 'scripted send failure');
          const messageId = id ?? randomUUID();
          const stored = store.messages.get(messageId);
          if (stored) {
            // As the engine's outbox: only a failed outgoing message is sent again under its id.
            if (stored.direction !== 'out' || stored.state !== 'failed') throw new Error('scripted inbox: id in use');
            store.messages.setState(messageId, 'pending');
          } else {
            store.messages.insert({
              id: messageId,
              conversationId: store.conversations.open(to).id,
              direction: 'out',
              senderJid: account.jid,
              body,
              sentAt: Date.now(),
              state: 'pending',
              encryption: 'omemo:2',
            });
          }
          return { id: messageId };
        },
        on(event, listener) {
          (listeners[event] ??= [] as never[]).push(listener as never);
        },
      };
    },

    deliver(from, body) {
      const { listeners } = session();
      const { id, now } = storeIncoming(from, { body, state: 'delivered' });
      const received: ReceivedMessage = { id, from, peerJid: from, direction: 'in', body, timestamp: now, device: 1, encryption: 'omemo:2', trusted: true, via: 'live' };
      announce(listeners, 'message', received);
      return id;
    },

    deliverUndecryptable(from, reason) {
      const { listeners } = session();
      const { id } = storeIncoming(from, { state: 'undecryptable', stateReason: reason });
      announce(listeners, 'undecryptable', { id, from, device: 1, reason });
      return id;
    },

    failNextSend(code = 'timeout') {
      failures.push(code);
    },

    acknowledge(id) {
      const { store, listeners } = session();
      store.messages.setState(id, 'sent');
      announce(listeners, 'delivery', { id, state: 'sent' });
    },
  };
}
