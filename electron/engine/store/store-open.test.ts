import { existsSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isStoreError, type StoreErrorCode } from './errors.js';
import { storeFiles } from './files.js';
import { createStore, describeStore, openStore, type Store } from './store.js';
import { fileHash, newTestStore, tempDirs, testProtector } from './test-support.js';

const dirs = tempDirs();
const open: Store[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  dirs.cleanup();
});

async function storeWithHistory(): Promise<string> {
  const dir = dirs.make();
  const store = await newTestStore(dir);
  const c = store.conversations.open('juliet@capulet.example');
  for (let i = 0; i < 200; i++) {
    store.messages.insert({ id: `m${i}`, conversationId: c.id, direction: 'in', senderJid: c.peerJid, body: `line ${i} `.repeat(20), sentAt: i, state: 'delivered', encryption: 'omemo:2' });
  }
  store.close();
  return dir;
}

async function expectCode(promise: Promise<unknown>, code: StoreErrorCode): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isStoreError(error, code), `expected StoreError ${code}, got ${String(error)}`).toBe(true);
}

describe('opening a store', () => {
  it('reopens a created store with its data', async () => {
    const dir = await storeWithHistory();
    const store = await openStore({ dir, protector: testProtector() });
    open.push(store);
    expect(store.messages.get('m7')?.body).toContain('line 7');
    expect(describeStore(dir)).toEqual({ protector: 'passphrase' });
  });

  it('rejects a wrong passphrase with wrong-passphrase and leaves every file byte-for-byte untouched', async () => {
    const dir = await storeWithHistory();
    const files = storeFiles(dir);
    const before = [fileHash(files.database), fileHash(files.key)];
    await expectCode(openStore({ dir, protector: testProtector('wrong horse') }), 'wrong-passphrase');
    expect([fileHash(files.database), fileHash(files.key)]).toEqual(before);
    expect(existsSync(`${files.database}-wal`)).toBe(false);
    expect(existsSync(files.lock)).toBe(false);
  });

  it('reports a damaged page as corrupt and leaves the file in place unchanged', async () => {
    const dir = await storeWithHistory();
    const { database } = storeFiles(dir);
    const bytes = readFileSync(database);
    bytes.fill(0x41, 4096 * 3 + 100, 4096 * 3 + 200); // inside the fourth page
    writeFileSync(database, bytes);
    const before = fileHash(database);
    await expectCode(openStore({ dir, protector: testProtector() }), 'corrupt');
    expect(fileHash(database)).toBe(before);
  });

  it('reports a truncated file as corrupt and leaves it in place unchanged', async () => {
    const dir = await storeWithHistory();
    const { database } = storeFiles(dir);
    truncateSync(database, Math.floor(readFileSync(database).length / 2));
    const before = fileHash(database);
    await expectCode(openStore({ dir, protector: testProtector() }), 'corrupt');
    expect(fileHash(database)).toBe(before);
  });

  it('reports a damaged first page as corrupt, not as a wrong passphrase', async () => {
    const dir = await storeWithHistory();
    const { database } = storeFiles(dir);
    const bytes = readFileSync(database);
    bytes.fill(0, 0, 64);
    writeFileSync(database, bytes);
    const before = fileHash(database);
    await expectCode(openStore({ dir, protector: testProtector() }), 'corrupt');
    expect(fileHash(database)).toBe(before);
  });

  it('reports a missing key file as corrupt without touching the database', async () => {
    const dir = await storeWithHistory();
    const files = storeFiles(dir);
    rmSync(files.key);
    const before = fileHash(files.database);
    await expectCode(openStore({ dir, protector: testProtector() }), 'corrupt');
    expect(fileHash(files.database)).toBe(before);
  });

  it('reports a damaged key file as corrupt', async () => {
    const dir = await storeWithHistory();
    writeFileSync(storeFiles(dir).key, '{"format":');
    await expectCode(openStore({ dir, protector: testProtector() }), 'corrupt');
  });

  it('says not-found for an empty folder and already-exists when creating over a store', async () => {
    await expectCode(openStore({ dir: dirs.make(), protector: testProtector() }), 'not-found');
    const dir = await storeWithHistory();
    await expectCode(createStore({ dir, protector: testProtector() }), 'already-exists');
  });

  it('refuses a second opener with store-locked while the first has it open', async () => {
    const dir = await storeWithHistory();
    open.push(await openStore({ dir, protector: testProtector() }));
    await expectCode(openStore({ dir, protector: testProtector() }), 'store-locked');
  });

  it('releases the lock on close so the store can be opened again', async () => {
    const dir = await storeWithHistory();
    (await openStore({ dir, protector: testProtector() })).close();
    open.push(await openStore({ dir, protector: testProtector() }));
  });

  it('creates the store folder and key file readable by the owner only', async () => {
    if (process.platform === 'win32') return;
    const dir = await storeWithHistory();
    expect(statSync(storeFiles(dir).key).mode & 0o077).toBe(0);
    const fresh = `${dirs.make()}/nested`;
    (await createStore({ dir: fresh, protector: testProtector() })).close();
    expect(statSync(fresh).mode & 0o077).toBe(0);
  });
});
