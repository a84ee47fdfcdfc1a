/**
 * Full-text search over message bodies with FTS5, inside the encrypted database. The user's
 * words are quoted so FTS5 query syntax (AND, NEAR, column filters, quotes) typed by the user
 * is searched for literally instead of being interpreted; the last word matches as a prefix
 * so results appear while typing.
 */
import { MESSAGE_COLUMNS, NOT_EXPIRED, messageFromRow, type Message, type MessageRow } from './message-row.js';
import type { Db } from './sqlite.js';

export interface SearchOptions {
  readonly conversationId?: number;
  readonly limit?: number;
}

/** Messages whose body contains all the words, newest first. */
export type MessageSearch = (text: string, options?: SearchOptions) => Message[];

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

export function messageSearch(db: Db, clock: () => number): MessageSearch {
  const select = db.prepare<{ match: string; conversationId: number | null; now: number; limit: number }, MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages_fts f JOIN messages m ON m.seq = f.rowid
     WHERE messages_fts MATCH @match AND (@conversationId IS NULL OR m.conversation_id = @conversationId) AND ${NOT_EXPIRED}
     ORDER BY m.sent_at DESC, m.id DESC LIMIT @limit`,
  );
  return (text, options = {}) => {
    const match = toMatchExpression(text);
    if (match === undefined) return [];
    const limit = Math.max(1, Math.min(MAX_LIMIT, options.limit ?? DEFAULT_LIMIT));
    return select.all({ match, conversationId: options.conversationId ?? null, now: clock(), limit }).map(messageFromRow);
  };
}

export function toMatchExpression(text: string): string | undefined {
  const words = text.split(/\s+/u).filter((w) => w.length > 0);
  if (words.length === 0) return undefined;
  const quoted = words.map((w) => `"${w.replaceAll('"', '""')}"`);
  quoted[quoted.length - 1] += '*';
  return quoted.join(' ');
}
