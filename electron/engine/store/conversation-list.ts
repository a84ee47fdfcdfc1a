/** The conversation list: every conversation with its newest message and unread count. */
import { CONVERSATION_COLUMNS, conversationFromRow, type Conversation, type ConversationRow } from './conversations.js';
import { MESSAGE_COLUMNS, NOT_EXPIRED, messageFromRow, type Message, type MessageRow } from './message-row.js';
import type { Db } from './sqlite.js';

export interface ConversationSummary {
  readonly conversation: Conversation;
  readonly lastMessage?: Message;
  readonly unread: number;
}

/** Newest activity first; conversations without messages sort by creation time. */
export type ConversationList = () => ConversationSummary[];

type Row = ConversationRow & { unread: number } & { [K in keyof MessageRow as `m_${K}`]: MessageRow[K] | null };

export function conversationList(db: Db, clock: () => number): ConversationList {
  const messageColumns = MESSAGE_COLUMNS.split(', ').map((column) => `${column} AS m_${column.slice(2)}`).join(', ');
  // The newest visible message per conversation comes from the (conversation_id, sent_at, id)
  // index; unread counts use the partial index on unseen incoming messages.
  const select = db.prepare<{ now: number }, Row>(
    `SELECT ${CONVERSATION_COLUMNS}, ${messageColumns},
       (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'in'
          AND m.displayed_at IS NULL AND ${NOT_EXPIRED}) AS unread
     FROM conversations c
     LEFT JOIN messages m ON m.seq = (
       SELECT m.seq FROM messages m WHERE m.conversation_id = c.id AND ${NOT_EXPIRED}
       ORDER BY m.sent_at DESC, m.id DESC LIMIT 1)
     ORDER BY coalesce(m.sent_at, c.created_at) DESC, c.id DESC`,
  );
  return () =>
    select.all({ now: clock() }).map((row) => ({
      conversation: conversationFromRow(row),
      lastMessage: row.m_id === null ? undefined : messageFromRow(unprefix(row)),
      unread: row.unread,
    }));
}

function unprefix(row: Row): MessageRow {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (key.startsWith('m_')) out[key.slice(2)] = value;
  return out as unknown as MessageRow;
}
