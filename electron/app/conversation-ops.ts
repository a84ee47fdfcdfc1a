/**
 * The contract's conversation, message and device operations on an open store. Pure store
 * work, synchronous like the store; the messaging engine (when present) does the network part.
 */
import { randomUUID } from 'node:crypto';
import type { Device, Message, MessageCursor, ConversationSummary as Summary } from '../../shared/contract.js';
import type { Store } from '../engine/store/index.js';
import { ServiceError } from '../ipc/engine-api.js';
import { deviceDto, fingerprintOf, messageDto, summaryDto } from './dto.js';

const SEARCH_HITS = 500;

export interface OwnDevice {
  readonly jid: string;
  readonly deviceId: number;
  readonly identityPublic: Uint8Array;
}

export function conversationOps(store: Store, own: OwnDevice, now: () => number) {
  const requireConversation = (id: number) => {
    const conversation = store.conversations.get(id);
    if (!conversation) throw new ServiceError('not-found', 'No such conversation.');
    return conversation;
  };

  const list = (search?: string): Summary[] => {
    const all = store.conversationList();
    const term = search?.trim().toLowerCase() ?? '';
    if (term === '') return all.map(summaryDto);
    const hits = new Set(store.search(term, { limit: SEARCH_HITS }).map((m) => m.conversationId));
    return all.filter((s) => hits.has(s.conversation.id) || s.conversation.peerJid.includes(term)).map(summaryDto);
  };

  const pending = () =>
    store.conversationList().flatMap((s) => store.messages.page(s.conversation.id, { limit: 500 }).filter((m) => m.direction === 'out' && m.state === 'pending'));

  return {
    list,
    summary(id: number): Summary {
      const found = store.conversationList().find((s) => s.conversation.id === id);
      if (!found) throw new ServiceError('not-found', 'No such conversation.');
      return summaryDto(found);
    },
    open(peerJid: string): number {
      if (peerJid.toLowerCase() === own.jid) throw new ServiceError('not-allowed', 'A chat with your own account is not supported yet.');
      return store.conversations.open(peerJid.toLowerCase()).id;
    },
    peerOf: (conversationId: number): string => requireConversation(conversationId).peerJid,
    page(conversationId: number, before: MessageCursor | undefined, limit: number): { messages: Message[]; hasMore: boolean } {
      requireConversation(conversationId);
      const rows = store.messages.page(conversationId, { ...(before && { before }), limit: limit + 1 });
      const hasMore = rows.length > limit;
      return { messages: (hasMore ? rows.slice(1) : rows).map(messageDto), hasMore };
    },
    has: (id: string): boolean => store.messages.get(id) !== undefined,
    /** A client-chosen id must name no stored message (a retry goes through retryMessage). */
    requireNewId(id: string): void {
      if (store.messages.get(id)) throw new ServiceError('not-allowed', 'A message with this id exists already.');
    },
    get(id: string): Message {
      const message = store.messages.get(id);
      if (!message) throw new ServiceError('not-found', 'No such message.');
      return messageDto(message);
    },
    /** Stores an outgoing message as pending: the queue the messaging engine sends from. */
    storePending(conversationId: number, body: string, id: string = randomUUID()): Message {
      requireConversation(conversationId);
      this.requireNewId(id);
      store.messages.insert({
        id,
        conversationId,
        direction: 'out',
        senderJid: own.jid,
        senderDevice: own.deviceId,
        body,
        sentAt: now(),
        state: 'pending',
        encryption: 'omemo:2',
      });
      return messageDto(store.messages.get(id)!);
    },
    remove: (id: string): boolean => store.messages.delete(id),
    setState(id: string, state: Message['state'], reason?: string): void {
      store.messages.setState(id, state, reason);
    },
    markRead(conversationId: number, upTo: MessageCursor): number {
      requireConversation(conversationId);
      return store.messages.markDisplayed(conversationId, upTo, now());
    },
    devices(jid: string): Device[] {
      const devices = store.devices.listForJid(jid).map((d) => deviceDto(d, own));
      if (jid === own.jid && !devices.some((d) => d.own)) devices.unshift(this.ownDevice());
      return devices;
    },
    ownDevice(): Device {
      return { jid: own.jid, deviceId: own.deviceId, fingerprint: fingerprintOf(own.identityPublic)!, trust: 'verified', active: true, own: true };
    },
    /** Another account's (or our other) device; this device's trust is not the user's to change. */
    device(jid: string, deviceId: number): Device {
      if (jid === own.jid && deviceId === own.deviceId) throw new ServiceError('not-allowed', 'This device is always trusted.');
      const device = store.devices.get({ jid, deviceId });
      if (!device) throw new ServiceError('not-found', 'No such device.');
      return deviceDto(device, own);
    },
    setTrust(jid: string, deviceId: number, trust: Device['trust']): Device {
      this.device(jid, deviceId);
      store.devices.setTrust({ jid, deviceId }, trust);
      return this.device(jid, deviceId);
    },
    /** Outgoing messages still waiting: the newest page of each conversation is enough to show the queue. */
    pendingCount(): number {
      return pending().length;
    },
    /** Pending messages the engine has not encrypted yet (queued here while the peer's devices were unknown), oldest first. */
    unsentPending(): Message[] {
      return pending()
        .filter((m) => store.outbox.get(m.id) === undefined)
        .sort((a, b) => a.sentAt - b.sentAt)
        .map(messageDto);
    },
  };
}

export type ConversationOps = ReturnType<typeof conversationOps>;
