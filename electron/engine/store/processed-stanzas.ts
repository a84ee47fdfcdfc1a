/**
 * Stanza ids already processed. The same message can arrive live, as a carbon and again from
 * the archive; decrypting it twice would fail (the message key is gone) or show it twice.
 * `scope` names who assigned the id: the archive JID for stanza-ids (XEP-0359 `by`), the
 * sender's JID for origin-ids.
 */
import type { Db } from './sqlite.js';

export interface ProcessedStanzaRepository {
  has(scope: string, stanzaId: string): boolean;
  /** Records the id; returns false if it was already recorded (the caller should skip the stanza). */
  record(scope: string, stanzaId: string, at: number): boolean;
  /** Forgets ids older than `at` (past the archive's retention they cannot come back). */
  pruneBefore(at: number): number;
}

export function processedStanzaRepository(db: Db): ProcessedStanzaRepository {
  const select = db.prepare<[string, string], number>('SELECT 1 FROM processed_stanzas WHERE scope = ? AND stanza_id = ?').pluck();
  const insert = db.prepare<[string, string, number]>(
    'INSERT INTO processed_stanzas (scope, stanza_id, processed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const prune = db.prepare<[number]>('DELETE FROM processed_stanzas WHERE processed_at < ?');
  return {
    has: (scope, stanzaId) => select.get(scope, stanzaId) !== undefined,
    record: (scope, stanzaId, at) => insert.run(scope, stanzaId, at).changes > 0,
    pruneBefore: (at) => prune.run(at).changes,
  };
}
