import { copyFileSync, existsSync, renameSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isStoreError } from './errors.js';
import { storeFiles } from './files.js';
import { writeKeyFile } from './key-file.js';
import { openStore, type Store } from './store.js';
import { fileHash, newTestStore, tempDirs, testProtector } from './test-support.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

async function storeWithOneConversation(): Promise<{ dir: string; store: Store }> {
  const dir = dirs.make();
  const store = await newTestStore(dir);
  store.conversations.open('benvolio@montague.example');
  store.checkpoint();
  return { dir, store };
}

describe('changing the passphrase', () => {
  it('re-wraps the key without rewriting the database', async () => {
    const { dir, store } = await storeWithOneConversation();
    const database = storeFiles(dir).database;
    const before = fileHash(database);
    await store.changeProtector(testProtector(), testProtector('a new passphrase'));
    expect(fileHash(database)).toBe(before);
    store.close();

    expect(isStoreError(await rejection(openStore({ dir, protector: testProtector() })), 'wrong-passphrase')).toBe(true);
    const reopened = await openStore({ dir, protector: testProtector('a new passphrase') });
    expect(reopened.conversations.findByPeer('benvolio@montague.example')).toBeDefined();
    reopened.close();
  });

  it('requires the current passphrase and leaves the key file alone when it is wrong', async () => {
    const { dir, store } = await storeWithOneConversation();
    const before = fileHash(storeFiles(dir).key);
    const error = await rejection(store.changeProtector(testProtector('guess'), testProtector('a new passphrase')));
    expect(isStoreError(error, 'wrong-passphrase')).toBe(true);
    expect(fileHash(storeFiles(dir).key)).toBe(before);
    store.close();
  });
});

describe('re-keying the database', () => {
  it('re-encrypts every page under a new key and keeps the data and WAL mode', async () => {
    const { dir, store } = await storeWithOneConversation();
    const files = storeFiles(dir);
    const before = { database: fileHash(files.database), key: fileHash(files.key) };
    await store.rekey(testProtector());
    expect(fileHash(files.database)).not.toBe(before.database);
    expect(fileHash(files.key)).not.toBe(before.key);
    expect(existsSync(files.pendingKey)).toBe(false);
    store.conversations.open('mercutio@verona.example');
    expect(existsSync(`${files.database}-wal`)).toBe(true); // back in WAL mode
    store.close();

    const reopened = await openStore({ dir, protector: testProtector() });
    expect(reopened.conversations.findByPeer('benvolio@montague.example')).toBeDefined();
    expect(reopened.conversations.findByPeer('mercutio@verona.example')).toBeDefined();
    reopened.close();
  });

  it('refuses to rekey with a protector that cannot unwrap the current key', async () => {
    const { dir, store } = await storeWithOneConversation();
    const before = fileHash(storeFiles(dir).database);
    expect(isStoreError(await rejection(store.rekey(testProtector('typo'))), 'wrong-passphrase')).toBe(true);
    expect(fileHash(storeFiles(dir).database)).toBe(before);
    store.close();
  });

  it('opens with the pending key when a rekey stopped after re-encrypting but before saving its key file', async () => {
    const { dir, store } = await storeWithOneConversation();
    const files = storeFiles(dir);
    copyFileSync(files.key, `${files.key}.old`);
    await store.rekey(testProtector());
    store.close();
    // Recreate the moment between PRAGMA rekey and the key file promotion.
    renameSync(files.key, files.pendingKey);
    renameSync(`${files.key}.old`, files.key);

    const reopened = await openStore({ dir, protector: testProtector() });
    expect(reopened.conversations.findByPeer('benvolio@montague.example')).toBeDefined();
    reopened.close();
    expect(existsSync(files.pendingKey)).toBe(false);
    expect((await openStore({ dir, protector: testProtector() })).close()).toBeUndefined();
  });

  it('drops an unused pending key when a rekey stopped before changing the database', async () => {
    const { dir, store } = await storeWithOneConversation();
    store.close();
    const files = storeFiles(dir);
    writeKeyFile(files.pendingKey, await testProtector().wrap(new Uint8Array(32).fill(7)));
    const reopened = await openStore({ dir, protector: testProtector() });
    expect(reopened.conversations.findByPeer('benvolio@montague.example')).toBeDefined();
    reopened.close();
    expect(existsSync(files.pendingKey)).toBe(false);
  });
});
