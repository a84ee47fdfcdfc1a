/**
 * Test host only: a messaging engine without a server, for UI specs that need an incoming
 * message but no second user. It makes the OMEMO device as the real engine would, and
 * `deliver()` — callable only from the process that runs the host, never from the page —
 * stores a message as received and announces it the way the engine does ('message' event).
 */
import { randomUUID } from 'node:crypto';
import { defaultBackend } from '../../electron/engine/crypto/backend/index.js';
import type { ReceivedMessage } from '../../electron/engine/messaging/events.js';
import { ensureOwnDevice, protocolContext } from '../../electron/engine/messaging/index.js';
import type { Store } from '../../electron/engine/store/index.js';
import type { MessagingFactory, MessagingPort } from '../../electron/app/messaging-port.js';

/** Only 'message' is ever announced: the other engine events have no meaning without a server. */
type MessageListener = (message: ReceivedMessage) => void;

export interface ScriptedInbox extends MessagingFactory {
  /** Stores `body` as received from `from` (a bare JID) and announces it; resolves its id. */
  deliver(from: string, body: string): string;
}

export function scriptedInbox(): ScriptedInbox {
  let current: { store: Store; listeners: MessageListener[] } | undefined;

  return {
    create({ store, account }): MessagingPort {
      ensureOwnDevice(protocolContext(store, defaultBackend(), Date.now), store, account.jid);
      const listeners: MessageListener[] = [];
      current = { store, listeners };
      return {
        start: async () => undefined,
        stop: async () => {
          if (current?.store === store) current = undefined;
        },
        send: async () => {
          throw new Error('the scripted inbox only receives');
        },
        on(event, listener) {
          if (event === 'message') listeners.push(listener as MessageListener);
        },
      };
    },

    deliver(from, body) {
      if (!current) throw new Error('scripted inbox: the app is locked');
      const { store, listeners } = current;
      const id = randomUUID();
      const now = Date.now();
      const conversation = store.conversations.open(from);
      store.messages.insert({
        id,
        conversationId: conversation.id,
        direction: 'in',
        senderJid: from,
        senderDevice: 1,
        body,
        sentAt: now,
        receivedAt: now,
        state: 'delivered',
        encryption: 'omemo:2',
      });
      const received: ReceivedMessage = { id, from, peerJid: from, direction: 'in', body, timestamp: now, device: 1, encryption: 'omemo:2', trusted: true, via: 'live' };
      for (const listener of listeners) listener(received);
      return id;
    },
  };
}
