/** Own signed pre-keys: the current one plus retired ones kept for a grace period. */
import type { StoredSignedPreKey } from '../protocol/store.js';
import type { Maintenance } from './maintenance.js';
import { optional, toBytes, type Db } from './sqlite.js';

export interface SignedPreKeyRepository {
  get(id: number): StoredSignedPreKey | undefined;
  list(): StoredSignedPreKey[];
  /** The newest key not retired: the one to publish. */
  current(): StoredSignedPreKey | undefined;
  save(key: StoredSignedPreKey): void;
  retire(id: number, at: number): void;
  delete(id: number): void;
  /** Deletes keys retired before `at`; returns how many. */
  deleteRetiredBefore(at: number): number;
}

interface Row {
  id: number;
  private_key: Uint8Array;
  public_key: Uint8Array;
  signature: Uint8Array;
  created_at: number;
  retired_at: number | null;
}

const fromRow = (row: Row): StoredSignedPreKey => ({
  id: row.id,
  privateKey: toBytes(row.private_key),
  publicKey: toBytes(row.public_key),
  signature: toBytes(row.signature),
  createdAt: row.created_at,
  retiredAt: optional(row.retired_at),
});

export function signedPreKeyRepository(db: Db, upkeep: Maintenance): SignedPreKeyRepository {
  const columns = 'id, private_key, public_key, signature, created_at, retired_at';
  const selectOne = db.prepare<[number], Row>(`SELECT ${columns} FROM signed_pre_keys WHERE id = ?`);
  const selectAll = db.prepare<[], Row>(`SELECT ${columns} FROM signed_pre_keys ORDER BY id`);
  const selectCurrent = db.prepare<[], Row>(
    `SELECT ${columns} FROM signed_pre_keys WHERE retired_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1`,
  );
  const upsert = db.prepare<[number, Uint8Array, Uint8Array, Uint8Array, number, number | null]>(
    'INSERT OR REPLACE INTO signed_pre_keys (id, private_key, public_key, signature, created_at, retired_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const setRetired = db.prepare<[number, number]>('UPDATE signed_pre_keys SET retired_at = ? WHERE id = ? AND retired_at IS NULL');
  const remove = db.prepare<[number]>('DELETE FROM signed_pre_keys WHERE id = ?');
  const removeRetired = db.prepare<[number]>('DELETE FROM signed_pre_keys WHERE retired_at IS NOT NULL AND retired_at < ?');
  return {
    get: (id) => {
      const row = selectOne.get(id);
      return row && fromRow(row);
    },
    list: () => selectAll.all().map(fromRow),
    current: () => {
      const row = selectCurrent.get();
      return row && fromRow(row);
    },
    save: (k) => void upsert.run(k.id, k.privateKey, k.publicKey, k.signature, k.createdAt, k.retiredAt ?? null),
    retire: (id, at) => void setRetired.run(at, id),
    delete(id) {
      if (remove.run(id).changes > 0) upkeep.afterDelete();
    },
    deleteRetiredBefore(at) {
      const deleted = removeRetired.run(at).changes;
      if (deleted > 0) upkeep.afterDelete();
      return deleted;
    },
  };
}
