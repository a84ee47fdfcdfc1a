/**
 * Named values the engine keeps between runs, such as the archive (MAM) catch-up cursor.
 * Set a cursor in the same transaction as the messages it covers: after a crash it then
 * never points past a message that was not stored.
 */
import type { Db } from './sqlite.js';

export interface SyncStateRepository {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  /** False if there was no value. */
  delete(key: string): boolean;
}

export function syncStateRepository(db: Db, clock: () => number): SyncStateRepository {
  const select = db.prepare<[string], string>('SELECT value FROM sync_state WHERE key = ?').pluck();
  const upsert = db.prepare<[string, string, number]>(
    `INSERT INTO sync_state (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  const remove = db.prepare<[string]>('DELETE FROM sync_state WHERE key = ?');
  return {
    get: (key) => select.get(key),
    set: (key, value) => void upsert.run(key, value, clock()),
    delete: (key) => remove.run(key).changes > 0,
  };
}
