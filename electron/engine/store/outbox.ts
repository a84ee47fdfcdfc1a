/**
 * Outgoing stanzas the server has not acknowledged yet (XEP-0198 ack or the archive
 * reflecting them). Enqueued in the same transaction as the ratchet step and the message, so
 * a crash can never leave a sent-looking message that will not be retried.
 */
import type { Db } from './sqlite.js';

export interface OutboxEntry {
  readonly messageId: string;
  /** The encrypted stanza exactly as first sent. */
  readonly payload: Uint8Array;
  readonly attempts: number;
  readonly createdAt: number;
  readonly nextAttemptAt: number;
}

export interface OutboxRepository {
  enqueue(messageId: string, payload: Uint8Array, at: number): void;
  get(messageId: string): OutboxEntry | undefined;
  /** Entries due at `now`, oldest first. */
  due(now: number, limit?: number): OutboxEntry[];
  list(): OutboxEntry[];
  recordAttempt(messageId: string, nextAttemptAt: number): void;
  /** The server has the message: drop the entry. */
  acknowledge(messageId: string): boolean;
}

interface Row {
  message_id: string;
  payload: Uint8Array;
  attempts: number;
  created_at: number;
  next_attempt_at: number;
}

const fromRow = (row: Row): OutboxEntry => ({
  messageId: row.message_id,
  payload: Uint8Array.from(row.payload),
  attempts: row.attempts,
  createdAt: row.created_at,
  nextAttemptAt: row.next_attempt_at,
});

export function outboxRepository(db: Db): OutboxRepository {
  const columns = 'message_id, payload, attempts, created_at, next_attempt_at';
  const insert = db.prepare<[string, Uint8Array, number, number]>(
    'INSERT INTO outbox (message_id, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?)',
  );
  const selectOne = db.prepare<[string], Row>(`SELECT ${columns} FROM outbox WHERE message_id = ?`);
  const selectDue = db.prepare<[number, number], Row>(
    `SELECT ${columns} FROM outbox WHERE next_attempt_at <= ? ORDER BY created_at, message_id LIMIT ?`,
  );
  const selectAll = db.prepare<[], Row>(`SELECT ${columns} FROM outbox ORDER BY created_at, message_id`);
  const updateAttempt = db.prepare<[number, string]>('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE message_id = ?');
  const remove = db.prepare<[string]>('DELETE FROM outbox WHERE message_id = ?');
  return {
    enqueue: (messageId, payload, at) => void insert.run(messageId, payload, at, at),
    get(messageId) {
      const row = selectOne.get(messageId);
      return row && fromRow(row);
    },
    due: (now, limit = 100) => selectDue.all(now, limit).map(fromRow),
    list: () => selectAll.all().map(fromRow),
    recordAttempt: (messageId, nextAttemptAt) => void updateAttempt.run(nextAttemptAt, messageId),
    acknowledge: (messageId) => remove.run(messageId).changes > 0,
  };
}
