/**
 * From a folder and a protector to an open, checked, migrated database — or a typed error
 * with every file left as it was. The protector authenticates the key (AEAD, keystore)
 * before SQLite sees the file, so a wrong passphrase never opens the database at all.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect, corrupt, prepare } from './database.js';
import { StoreError } from './errors.js';
import type { StoreFiles } from './files.js';
import { promoteKeyFile, readKeyFile, removeKeyFile, writeKeyFile } from './key-file.js';
import type { Migration } from './migrations/index.js';
import { DB_KEY_BYTES, type KeyProtector } from './protector.js';
import type { Db } from './sqlite.js';

export async function unlockExisting(files: StoreFiles, protector: KeyProtector, migrations?: readonly Migration[]): Promise<Db> {
  if (!existsSync(files.database)) throw new StoreError('not-found', 'There is no message store in this folder.');
  const record = readKeyFile(files.key);
  if (record === undefined) {
    throw new StoreError('corrupt', 'The store key file (parley.key.json) is missing. Restore it from a backup; the database was not touched.');
  }
  const options = { create: false, migrations };
  const db = await connectWith(files.database, await protector.unwrap(record));
  if (db !== undefined) {
    // A rekey that died before it changed the database leaves an unused pending key.
    removeKeyFile(files.pendingKey);
    return prepare(db, options);
  }
  // A rekey that died after changing the database but before promoting its key file.
  const pending = readPendingKey(files);
  if (pending !== undefined) {
    const rekeyed = await connectWith(files.database, await protector.unwrap(pending));
    if (rekeyed !== undefined) {
      promoteKeyFile(files.pendingKey, files.key);
      return prepare(rekeyed, options);
    }
  }
  // The key was authenticated, so the file is damaged or belongs to another key file.
  throw corrupt();
}

export async function createNew(files: StoreFiles, protector: KeyProtector, migrations?: readonly Migration[]): Promise<Db> {
  if (existsSync(files.database)) throw new StoreError('already-exists', 'A message store already exists in this folder.');
  const dbKey = Uint8Array.from(randomBytes(DB_KEY_BYTES));
  try {
    // Key file first: a crash before the database exists leaves only an orphan key file,
    // which the next createStore overwrites. The reverse order could strand a database.
    writeKeyFile(files.key, await protector.wrap(dbKey));
    removeKeyFile(files.pendingKey);
    const db = connect(files.database, dbKey, { create: true });
    if (db === undefined) throw corrupt();
    return prepare(db, { create: true, migrations });
  } finally {
    dbKey.fill(0);
  }
}

async function connectWith(path: string, dbKey: Uint8Array): Promise<Db | undefined> {
  try {
    return connect(path, dbKey, { create: false });
  } finally {
    dbKey.fill(0);
  }
}

function readPendingKey(files: StoreFiles) {
  try {
    return readKeyFile(files.pendingKey);
  } catch {
    return undefined; // a damaged pending key cannot be the one that works
  }
}
