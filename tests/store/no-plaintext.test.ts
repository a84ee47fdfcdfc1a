/**
 * What reaches the disk: no message text or contact JID in any raw file at any time, and
 * after deletion not even in the decrypted database (free pages, indexes and FTS included).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { storeFiles } from '../../electron/engine/store/files.js';
import { readKeyFile } from '../../electron/engine/store/key-file.js';
import { Database } from '../../electron/engine/store/sqlite.js';
import { applyKey } from '../../electron/engine/store/database.js';
import { newTestStore, tempDirs, testProtector } from '../../electron/engine/store/test-support.js';
import { decryptedPages } from './sqlcipher-pages.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const BODY_MARKER = 'zqxbodymarker7f3a9b';
const JID_MARKER = 'zqxjidmarker5e1c2d';
const contact = `${JID_MARKER}@example.org`;

/** Every file in the store folder, raw, as it is at this moment. */
function rawFilesContain(dir: string, needle: string): string[] {
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isFile())
    .filter((name) => readFileSync(join(dir, name)).includes(needle))
    .map((name) => name);
}

async function databaseKey(dir: string): Promise<Uint8Array> {
  return testProtector().unwrap(readKeyFile(storeFiles(dir).key)!);
}

/** Terms in the FTS index itself (fts5vocab), read through SQLite with the store's key. */
function ftsTerms(dir: string, dbKey: Uint8Array): string[] {
  const db = new Database(storeFiles(dir).database, { readonly: true });
  try {
    applyKey(db, dbKey);
    db.exec(`CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, 'messages_fts', 'row')`);
    return db.prepare<[], string>('SELECT term FROM temp.terms').pluck().all();
  } finally {
    db.close();
  }
}

describe('nothing in clear on disk', () => {
  it('never writes message text or a contact JID to the database, WAL or shm in clear, and leaves no trace after deletion', async () => {
    const dir = dirs.make();
    const store = await newTestStore(dir);
    const conversation = store.conversations.open(contact);
    store.devices.recordSeen({ jid: contact, deviceId: 7 }, { protocol: 'omemo:2', at: 1 });
    store.sessions.save({ jid: contact, deviceId: 7 }, new Uint8Array(64).fill(1), 1);
    for (let i = 0; i < 60; i++) {
      store.messages.insert({
        id: `m${i}`, conversationId: conversation.id, direction: i % 2 ? 'in' : 'out', senderJid: contact,
        body: i === 30 ? `the secret is ${BODY_MARKER} indeed` : `filler message number ${i} `.repeat(30),
        sentAt: i, state: 'delivered', encryption: 'omemo:2',
      });
      // At every step of the writing, in every file, neither marker appears in clear.
      expect(rawFilesContain(dir, BODY_MARKER)).toEqual([]);
      expect(rawFilesContain(dir, JID_MARKER)).toEqual([]);
    }
    expect(store.search(BODY_MARKER).map((m) => m.id)).toEqual(['m30']);
    store.checkpoint();
    const dbKey = await databaseKey(dir);
    const { database } = storeFiles(dir);
    // Control: the decryptor really sees the contents, so its silence below means something.
    expect(decryptedPages(database, dbKey).includes(BODY_MARKER)).toBe(true);
    expect(ftsTerms(dir, dbKey)).toContain(BODY_MARKER);

    expect(store.messages.delete('m30')).toBe(true);
    expect(statSync(`${database}-wal`).size).toBe(0); // checkpointed and truncated after the delete
    expect(decryptedPages(database, dbKey).includes(BODY_MARKER)).toBe(false);
    expect(ftsTerms(dir, dbKey)).not.toContain(BODY_MARKER);
    expect(store.search(BODY_MARKER)).toEqual([]);
    expect(rawFilesContain(dir, BODY_MARKER)).toEqual([]);

    // The contact too: delete the conversation, its device and session, and the JID is gone.
    expect(decryptedPages(database, dbKey).includes(JID_MARKER)).toBe(true);
    store.transaction(() => {
      store.conversations.delete(conversation.id);
      store.devices.delete({ jid: contact, deviceId: 7 });
      store.sessions.delete({ jid: contact, deviceId: 7 });
    });
    expect(statSync(`${database}-wal`).size).toBe(0);
    expect(decryptedPages(database, dbKey).includes(JID_MARKER)).toBe(false);
    store.close();
    expect(decryptedPages(database, dbKey).includes(JID_MARKER)).toBe(false);
    expect(rawFilesContain(dir, JID_MARKER)).toEqual([]);
  });
});
