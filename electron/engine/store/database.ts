/**
 * Opens, keys, checks and migrates the encrypted database.
 *
 * Cipher: SQLite3 Multiple Ciphers in SQLCipher 4 mode, chosen deliberately rather than the
 * library's default (sqleet/ChaCha20) so the file can be inspected with standard SQLCipher
 * tools when debugging a user's damaged store: AES-256-CBC per page with HMAC-SHA512 page
 * authentication. The key is passed raw (`x'…'`), so SQLCipher's own PBKDF2 is skipped:
 * key stretching is the protector's job (passphrase-protector.ts).
 * These pragmas are not stored in the file and must be issued on every open, before the key.
 */
import { existsSync } from 'node:fs';
import { StoreError } from './errors.js';
import { assertKnownVersion, migrate, MIGRATIONS, type Migration } from './migrations/index.js';
import { Database, type Db } from './sqlite.js';

export interface OpenDatabaseOptions {
  /** true: the file must not exist yet; false: it must. */
  readonly create: boolean;
  /** Test seam: the migrations to apply (default: all of this build's). */
  readonly migrations?: readonly Migration[];
}

/**
 * Opens the database with `dbKey`. Returns undefined when the key does not decrypt it
 * (SQLITE_NOTADB), leaving the file untouched, so the caller can decide what that means.
 */
export function connect(path: string, dbKey: Uint8Array, options: OpenDatabaseOptions): Db | undefined {
  if (options.create && existsSync(path)) throw new StoreError('already-exists', 'A store already exists in that folder.');
  const db = new Database(path, { fileMustExist: !options.create });
  try {
    applyKey(db, dbKey);
    // The first read decrypts page 1. Nothing is written, unless a crash left a hot journal
    // that SQLite rolls back first (recovery of our own interrupted transaction).
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return db;
  } catch (e) {
    db.close();
    if (isSqliteCode(e, 'SQLITE_NOTADB')) return undefined;
    if (isSqliteCode(e, 'SQLITE_CORRUPT')) throw corrupt(e);
    throw e;
  }
}

/** Checks, configures and migrates a connected database; closes it on failure. */
export function prepare(db: Db, options: OpenDatabaseOptions): Db {
  const migrations = options.migrations ?? MIGRATIONS;
  try {
    if (!options.create) assertIntact(db);
    assertKnownVersion(db, migrations);
    configure(db);
    migrate(db, migrations);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

export function applyKey(db: Db, dbKey: Uint8Array): void {
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma('legacy = 4');
  db.pragma(`key = "x'${Buffer.from(dbKey).toString('hex')}'"`);
}

/** The SQLCipher salt: the first 16 bytes of the file, stored in clear. */
export const SALT_BYTES = 16;

/**
 * Re-encrypts every page under `dbKey` in one rollback-journal transaction, keeping the
 * file's salt. By default a rekey draws a new salt, and the salt lives in page 1: a crash
 * after page 1 was rewritten left a hot journal that neither key could roll back (found by
 * tests/store/rekey-crash.test.ts). With the salt unchanged, reopening with the old key rolls
 * the journal back to the old key.
 */
export function applyRekey(db: Db, dbKey: Uint8Array, salt: Uint8Array): void {
  if (salt.length !== SALT_BYTES) throw new Error('salt must be 16 bytes');
  db.pragma(`rekey = "x'${Buffer.from(dbKey).toString('hex')}${Buffer.from(salt).toString('hex')}'"`);
}

/**
 * quick_check reads every page (so every page's HMAC is verified) and checks the b-trees,
 * without the index cross-checks of integrity_check: a few hundred ms for a large history.
 */
function assertIntact(db: Db): void {
  let result: unknown[];
  try {
    result = db.pragma('quick_check(1)', { simple: false }) as unknown[];
  } catch (e) {
    throw corrupt(e);
  }
  const first = result[0] as { quick_check?: string } | undefined;
  if (result.length !== 1 || first?.quick_check !== 'ok') throw corrupt();
}

/**
 * Per-connection settings (none of them persist in the file except journal_mode):
 * - WAL, so readers and the writer do not block each other;
 * - synchronous FULL: a commit that recorded a ratchet step is on disk before we send the
 *   message it encrypted; losing it to a power cut would make us reuse a message key;
 * - secure_delete: deleted rows are overwritten with zeros, not left in free pages;
 * - temp_store MEMORY: sorts and temporary indices never reach an unencrypted temp file;
 * - foreign_keys: cascades keep outbox rows from outliving their message.
 */
function configure(db: Db): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('secure_delete = ON');
  db.pragma('temp_store = MEMORY');
  db.pragma('foreign_keys = ON');
}

export function isSqliteCode(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

export function corrupt(cause?: unknown): StoreError {
  return new StoreError(
    'corrupt',
    'The message database is damaged and cannot be opened. Nothing was changed: restore parley.db from a backup, or move it aside to start with an empty history.',
    { cause },
  );
}
