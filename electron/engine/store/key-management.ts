/**
 * Operations on the database key of an open store.
 *
 * changeProtector re-wraps the same key (new passphrase, or passphrase ↔ keystore): only the
 * small key file changes, the database is not rewritten.
 *
 * rekey replaces the key itself and re-encrypts every page. SQLite3 Multiple Ciphers refuses
 * to rekey in WAL mode, so the journal goes to DELETE around it. The new key is written to a
 * pending key file *before* the database changes and promoted after, so a crash at any point
 * leaves a key file that opens the database (unlock.ts tries both).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { applyRekey, SALT_BYTES } from './database.js';
import { StoreError } from './errors.js';
import type { StoreFiles } from './files.js';
import { promoteKeyFile, readKeyFile, removeKeyFile, writeKeyFile } from './key-file.js';
import { DB_KEY_BYTES, type KeyProtector, type WrappedKey } from './protector.js';
import type { Db } from './sqlite.js';

/** Unwraps the current key with `current` (proving the user holds it) and wraps it with `next`. */
export async function changeProtector(files: StoreFiles, current: KeyProtector, next: KeyProtector): Promise<void> {
  const dbKey = await current.unwrap(currentRecord(files));
  try {
    writeKeyFile(files.key, await next.wrap(dbKey));
  } finally {
    dbKey.fill(0);
  }
}

/**
 * Re-encrypts the database under a fresh key wrapped by `protector`, which must unwrap the
 * current key first: a mistyped passphrase must not become the only way in.
 */
export async function rekey(db: Db, files: StoreFiles, protector: KeyProtector): Promise<void> {
  (await protector.unwrap(currentRecord(files))).fill(0);
  const dbKey = Uint8Array.from(randomBytes(DB_KEY_BYTES));
  try {
    writeKeyFile(files.pendingKey, await protector.wrap(dbKey));
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.pragma('journal_mode = DELETE');
      try {
        applyRekey(db, dbKey, readSalt(files.database));
      } finally {
        db.pragma('journal_mode = WAL');
      }
    } catch (e) {
      removeKeyFile(files.pendingKey);
      throw e;
    }
    promoteKeyFile(files.pendingKey, files.key);
  } finally {
    dbKey.fill(0);
  }
}

function readSalt(path: string): Uint8Array {
  const salt = new Uint8Array(SALT_BYTES);
  const fd = openSync(path, 'r');
  try {
    if (readSync(fd, salt, 0, SALT_BYTES, 0) !== SALT_BYTES) throw new StoreError('corrupt', 'The message database is too short to hold a salt.');
  } finally {
    closeSync(fd);
  }
  return salt;
}

function currentRecord(files: StoreFiles): WrappedKey {
  const record = readKeyFile(files.key);
  if (record === undefined) throw new StoreError('corrupt', 'The store key file (parley.key.json) is missing.');
  return record;
}
