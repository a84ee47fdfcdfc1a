/** The message record shared by the message queries (messages, conversation list, search). */
import { optional } from './sqlite.js';

export type Direction = 'in' | 'out';
export type DeliveryState = 'pending' | 'sent' | 'delivered' | 'failed' | 'undecryptable';
export type Encryption = 'omemo:2' | 'omemo:0.3' | 'none';

export interface Message {
  /** The app's message id (also sent as origin-id, XEP-0359). */
  readonly id: string;
  /** The server-assigned archive id (XEP-0359 stanza-id), once known. */
  readonly stanzaId?: string;
  readonly conversationId: number;
  readonly direction: Direction;
  readonly senderJid: string;
  readonly senderDevice?: number;
  /** undefined for messages without text (undecryptable, empty OMEMO messages). */
  readonly body?: string;
  /** Sender's time (XEP-0203 delay when present): orders the conversation. */
  readonly sentAt: number;
  readonly receivedAt?: number;
  readonly state: DeliveryState;
  /** Why a message failed or could not be decrypted (a code, never message text). */
  readonly stateReason?: string;
  readonly encryption: Encryption;
  /** When a disappearing message must be deleted (set once its countdown has started). */
  readonly expiresAt?: number;
  /** The disappearing timer it was sent with (XEP-0466 `timer`); undefined = kept. */
  readonly expireAfterSeconds?: number;
  /** Incoming: when the user saw it. Outgoing: when the peer reported displaying it. */
  readonly displayedAt?: number;
}

/** A position in a conversation: messages are ordered by (sentAt, id). */
export interface MessageCursor {
  readonly sentAt: number;
  readonly id: string;
}

export const MESSAGE_COLUMNS =
  'm.id, m.stanza_id, m.conversation_id, m.direction, m.sender_jid, m.sender_device, m.body, m.sent_at, m.received_at, m.state, m.state_reason, m.encryption, m.expires_at, m.displayed_at, m.expire_after_seconds';

export interface MessageRow {
  id: string;
  stanza_id: string | null;
  conversation_id: number;
  direction: Direction;
  sender_jid: string;
  sender_device: number | null;
  body: string | null;
  sent_at: number;
  received_at: number | null;
  state: DeliveryState;
  state_reason: string | null;
  encryption: Encryption;
  expires_at: number | null;
  displayed_at: number | null;
  expire_after_seconds: number | null;
}

export const messageFromRow = (row: MessageRow): Message => ({
  id: row.id,
  stanzaId: optional(row.stanza_id),
  conversationId: row.conversation_id,
  direction: row.direction,
  senderJid: row.sender_jid,
  senderDevice: optional(row.sender_device),
  body: optional(row.body),
  sentAt: row.sent_at,
  receivedAt: optional(row.received_at),
  state: row.state,
  stateReason: optional(row.state_reason),
  encryption: row.encryption,
  expiresAt: optional(row.expires_at),
  displayedAt: optional(row.displayed_at),
  expireAfterSeconds: optional(row.expire_after_seconds),
});

export const messageToRow = (m: Message): MessageRow => ({
  id: m.id,
  stanza_id: m.stanzaId ?? null,
  conversation_id: m.conversationId,
  direction: m.direction,
  sender_jid: m.senderJid,
  sender_device: m.senderDevice ?? null,
  body: m.body ?? null,
  sent_at: m.sentAt,
  received_at: m.receivedAt ?? null,
  state: m.state,
  state_reason: m.stateReason ?? null,
  encryption: m.encryption,
  expires_at: m.expiresAt ?? null,
  displayed_at: m.displayedAt ?? null,
  expire_after_seconds: m.expireAfterSeconds ?? null,
});

/** SQL: the message is visible at :now (not past its expiry, even if the sweep has not run yet). */
export const NOT_EXPIRED = '(m.expires_at IS NULL OR m.expires_at > @now)';
