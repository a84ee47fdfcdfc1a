/**
 * Message history: inserts, delivery state, keyset paging and deletion. Deleting removes the
 * row, its full-text entry (trigger) and its outbox row (cascade), remembers the id so an
 * archive sync cannot bring it back, and checkpoints the WAL (maintenance.ts).
 */
import type { Maintenance } from './maintenance.js';
import {
  MESSAGE_COLUMNS,
  NOT_EXPIRED,
  messageFromRow,
  messageToRow,
  type DeliveryState,
  type Message,
  type MessageCursor,
  type MessageRow,
} from './message-row.js';
import type { Db } from './sqlite.js';

export interface PageRequest {
  /** Only messages strictly before this position. Without before/after: the newest page. */
  readonly before?: MessageCursor;
  /** Only messages strictly after this position. */
  readonly after?: MessageCursor;
  readonly limit: number;
}

export interface MessageRepository {
  insert(message: Message): void;
  get(id: string): Message | undefined;
  findByStanzaId(stanzaId: string): Message | undefined;
  setState(id: string, state: DeliveryState, reason?: string): void;
  setStanzaId(id: string, stanzaId: string): void;
  /** One page of a conversation, oldest first. */
  page(conversationId: number, request: PageRequest): Message[];
  unreadCount(conversationId: number): number;
  /**
   * Marks incoming messages up to and including `upTo` as seen; returns how many changed.
   * A disappearing message's countdown starts here (XEP-0466 §6: once the user has seen it).
   */
  markDisplayed(conversationId: number, upTo: MessageCursor, at: number): number;
  /** Records the peer's displayed marker for an outgoing message. */
  markDisplayedByPeer(id: string, at: number): void;
  /** Deletes one message for good; false if it did not exist. */
  delete(id: string): boolean;
  /** Deletes every message whose expiry time has passed; returns their ids. */
  expire(now: number): string[];
  /** The earliest expiry time of any stored message, if one has started counting down. */
  nextExpiry(): number | undefined;
}

export const MAX_PAGE = 500;
/** From this many messages expiring together, the full-text index is merged once instead of edited per row. */
const BULK_EXPIRY = 200;

export function messageRepository(db: Db, upkeep: Maintenance, clock: () => number): MessageRepository {
  const insert = db.prepare<MessageRow>(
    `INSERT INTO messages (id, stanza_id, conversation_id, direction, sender_jid, sender_device, body, sent_at,
       received_at, state, state_reason, encryption, expires_at, displayed_at, expire_after_seconds)
     VALUES (@id, @stanza_id, @conversation_id, @direction, @sender_jid, @sender_device, @body, @sent_at,
       @received_at, @state, @state_reason, @encryption, @expires_at, @displayed_at, @expire_after_seconds)`,
  );
  const selectById = db.prepare<[string], MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.id = ?`);
  const selectByStanzaId = db.prepare<[string], MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.stanza_id = ? LIMIT 1`);
  const updateState = db.prepare<[DeliveryState, string | null, string]>('UPDATE messages SET state = ?, state_reason = ? WHERE id = ?');
  const updateStanzaId = db.prepare<[string, string]>('UPDATE messages SET stanza_id = ? WHERE id = ?');

  const visible = `m.conversation_id = @conversationId AND ${NOT_EXPIRED}`;
  const before = '(m.sent_at, m.id) < (@beforeAt, @beforeId)';
  const after = '(m.sent_at, m.id) > (@afterAt, @afterId)';
  type PageParams = { conversationId: number; now: number; limit: number; beforeAt?: number; beforeId?: string; afterAt?: number; afterId?: string };
  const pageQuery = (where: string, order: 'ASC' | 'DESC') =>
    db.prepare<PageParams, MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE ${where} ORDER BY m.sent_at ${order}, m.id ${order} LIMIT @limit`,
    );
  const newest = pageQuery(visible, 'DESC');
  const older = pageQuery(`${visible} AND ${before}`, 'DESC');
  const newer = pageQuery(`${visible} AND ${after}`, 'ASC');
  const between = pageQuery(`${visible} AND ${after} AND ${before}`, 'ASC');

  const countUnread = db
    .prepare<{ conversationId: number; now: number }, number>(
      `SELECT count(*) FROM messages m WHERE ${visible} AND m.direction = 'in' AND m.displayed_at IS NULL`,
    )
    .pluck();
  const setDisplayed = db.prepare<{ conversationId: number; at: number; upToAt: number; upToId: string }>(
    `UPDATE messages SET displayed_at = @at,
       expires_at = coalesce(expires_at, @at + expire_after_seconds * 1000)
     WHERE conversation_id = @conversationId AND direction = 'in'
       AND displayed_at IS NULL AND (sent_at, id) <= (@upToAt, @upToId)`,
  );
  const setDisplayedByPeer = db.prepare<[number, string]>(
    `UPDATE messages SET displayed_at = ? WHERE id = ? AND direction = 'out' AND displayed_at IS NULL`,
  );

  const rememberOne = db.prepare<{ id: string; reason: string; at: number }>(
    `INSERT OR IGNORE INTO forgotten_messages (message_id, stanza_id, reason, at)
     SELECT id, stanza_id, @reason, @at FROM messages WHERE id = @id`,
  );
  const removeOne = db.prepare<[string]>('DELETE FROM messages WHERE id = ?');
  // Expiry is set-based (one statement per table, not per message): 10,000 messages expiring
  // together must be gone well within a second. The FTS rows go by the delete trigger.
  const rememberExpired = db.prepare<[number, number]>(
    `INSERT OR IGNORE INTO forgotten_messages (message_id, stanza_id, reason, at)
     SELECT id, stanza_id, 'expired', ? FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ?`,
  );
  const removeExpired = db.prepare<[number], string>('DELETE FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ? RETURNING id').pluck();
  const selectNextExpiry = db.prepare<[], number | null>('SELECT min(expires_at) FROM messages WHERE expires_at IS NOT NULL').pluck();

  const deleteOne = db.transaction((id: string, reason: 'deleted' | 'expired', at: number): boolean => {
    rememberOne.run({ id, reason, at });
    return removeOne.run(id).changes > 0;
  });
  const countExpired = db.prepare<[number], number>('SELECT count(*) FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ?').pluck();
  const ftsSecureDelete = (on: boolean) => db.prepare(`INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', ${on ? 1 : 0})`).run();
  const ftsOptimize = db.prepare("INSERT INTO messages_fts (messages_fts) VALUES ('optimize')");
  const expireAll = db.transaction((now: number): string[] => {
    // FTS5 secure-delete rewrites index pages row by row (~0.1 ms each). For a large batch it is
    // far cheaper to delete with tombstones and then merge the whole index once ('optimize'),
    // which drops the deleted entries just as completely; secure_delete zeroes the freed pages.
    const bulk = countExpired.get(now)! >= BULK_EXPIRY;
    rememberExpired.run(now, now);
    if (bulk) ftsSecureDelete(false);
    const ids = removeExpired.all(now);
    if (bulk) {
      ftsOptimize.run();
      ftsSecureDelete(true);
    }
    return ids;
  });

  return {
    insert: (m) => void insert.run(messageToRow(m)),
    get(id) {
      const row = selectById.get(id);
      return row && messageFromRow(row);
    },
    findByStanzaId(stanzaId) {
      const row = selectByStanzaId.get(stanzaId);
      return row && messageFromRow(row);
    },
    setState: (id, state, reason) => void updateState.run(state, reason ?? null, id),
    setStanzaId: (id, stanzaId) => void updateStanzaId.run(stanzaId, id),
    page(conversationId, request) {
      const params: PageParams = { conversationId, now: clock(), limit: Math.max(1, Math.min(MAX_PAGE, Math.floor(request.limit))) };
      if (request.before) Object.assign(params, { beforeAt: request.before.sentAt, beforeId: request.before.id });
      if (request.after) Object.assign(params, { afterAt: request.after.sentAt, afterId: request.after.id });
      if (request.before && request.after) return between.all(params).map(messageFromRow);
      if (request.after) return newer.all(params).map(messageFromRow);
      const rows = (request.before ? older : newest).all(params);
      return rows.reverse().map(messageFromRow);
    },
    unreadCount: (conversationId) => countUnread.get({ conversationId, now: clock() }) ?? 0,
    markDisplayed: (conversationId, upTo, at) => setDisplayed.run({ conversationId, at, upToAt: upTo.sentAt, upToId: upTo.id }).changes,
    markDisplayedByPeer: (id, at) => void setDisplayedByPeer.run(at, id),
    delete(id) {
      const deleted = deleteOne(id, 'deleted', clock());
      if (deleted) upkeep.afterDelete();
      return deleted;
    },
    expire(now) {
      const ids = expireAll(now);
      if (ids.length > 0) upkeep.afterDelete();
      return ids;
    },
    nextExpiry: () => selectNextExpiry.get() ?? undefined,
  };
}
