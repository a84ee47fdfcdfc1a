/**
 * The small JSON file next to the database that holds the wrapped database key. It is
 * replaced atomically (write a temporary file, fsync, rename, fsync the folder) so a crash
 * leaves either the old or the new key file, never half of one.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from './errors.js';
import type { WrappedKey } from './protector.js';

const FORMAT = 'parley-store-key';
const VERSION = 1;
/** Names the database cipher so a future Parley can tell how this database was encrypted. */
export const CIPHER_NAME = 'sqlcipher-4';

interface KeyFileContent {
  readonly format: typeof FORMAT;
  readonly version: typeof VERSION;
  readonly cipher: typeof CIPHER_NAME;
  readonly key: WrappedKey;
}

/** undefined when the file does not exist; StoreError 'corrupt' when it cannot be read as a key file. */
export function readKeyFile(path: string): WrappedKey | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let content: Partial<KeyFileContent>;
  try {
    content = JSON.parse(text) as Partial<KeyFileContent>;
  } catch {
    throw damaged();
  }
  if (content.format !== FORMAT || typeof content.key !== 'object' || content.key === null) throw damaged();
  if (content.version !== VERSION || content.cipher !== CIPHER_NAME) {
    throw new StoreError('newer-version', 'The store key was written by a newer version of Parley. Update Parley to open it.');
  }
  return content.key;
}

export function writeKeyFile(path: string, key: WrappedKey): void {
  const content: KeyFileContent = { format: FORMAT, version: VERSION, cipher: CIPHER_NAME, key };
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(content, null, 2));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  syncFolder(dirname(path));
}

/** Atomically replaces `to` with `from` (used to promote a pending key). */
export function promoteKeyFile(from: string, to: string): void {
  renameSync(from, to);
  syncFolder(dirname(to));
}

export function removeKeyFile(path: string): void {
  rmSync(path, { force: true });
}

/** Makes a rename durable. Windows cannot open folders; NTFS renames are durable enough there. */
function syncFolder(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const damaged = (): StoreError =>
  new StoreError('corrupt', 'The store key file is damaged. Restore parley.key.json from a backup; the database was not touched.');
