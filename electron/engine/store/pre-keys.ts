/** Own one-time pre-keys (XEP-0384 §5.3.2 `<pk>`). */
import type { StoredPreKey } from '../protocol/store.js';
import type { Maintenance } from './maintenance.js';
import { optional, toBytes, type Db } from './sqlite.js';

export interface PreKeyRepository {
  get(id: number): StoredPreKey | undefined;
  list(): StoredPreKey[];
  save(preKey: StoredPreKey): void;
  markUsed(id: number, at: number): void;
  delete(id: number): void;
  /** Deletes pre-keys used before `at` (after archive catch-up, XEP-0384 §4.6); returns how many. */
  deleteUsedBefore(at: number): number;
  /** The highest id ever handed out that still exists, to continue numbering after it. */
  maxId(): number;
}

interface Row {
  id: number;
  private_key: Uint8Array;
  public_key: Uint8Array;
  used_at: number | null;
}

const fromRow = (row: Row): StoredPreKey => ({
  id: row.id,
  privateKey: toBytes(row.private_key),
  publicKey: toBytes(row.public_key),
  usedAt: optional(row.used_at),
});

/** Deleting a used pre-key is what makes it single-use: the delete is checkpointed out of the WAL too. */
export function preKeyRepository(db: Db, upkeep: Maintenance): PreKeyRepository {
  const columns = 'id, private_key, public_key, used_at';
  const selectOne = db.prepare<[number], Row>(`SELECT ${columns} FROM pre_keys WHERE id = ?`);
  const selectAll = db.prepare<[], Row>(`SELECT ${columns} FROM pre_keys ORDER BY id`);
  const upsert = db.prepare<[number, Uint8Array, Uint8Array, number | null]>(
    'INSERT OR REPLACE INTO pre_keys (id, private_key, public_key, used_at) VALUES (?, ?, ?, ?)',
  );
  const setUsed = db.prepare<[number, number]>('UPDATE pre_keys SET used_at = ? WHERE id = ? AND used_at IS NULL');
  const remove = db.prepare<[number]>('DELETE FROM pre_keys WHERE id = ?');
  const removeUsed = db.prepare<[number]>('DELETE FROM pre_keys WHERE used_at IS NOT NULL AND used_at < ?');
  const selectMax = db.prepare<[], number>('SELECT coalesce(max(id), 0) FROM pre_keys').pluck();
  return {
    get: (id) => {
      const row = selectOne.get(id);
      return row && fromRow(row);
    },
    list: () => selectAll.all().map(fromRow),
    save: (k) => void upsert.run(k.id, k.privateKey, k.publicKey, k.usedAt ?? null),
    markUsed: (id, at) => void setUsed.run(at, id),
    delete(id) {
      if (remove.run(id).changes > 0) upkeep.afterDelete();
    },
    deleteUsedBefore(at) {
      const deleted = removeUsed.run(at).changes;
      if (deleted > 0) upkeep.afterDelete();
      return deleted;
    },
    maxId: () => selectMax.get() ?? 0,
  };
}
