import { afterEach, describe, expect, it } from 'vitest';
import { isStoreError } from '../errors.js';
import { storeFiles } from '../files.js';
import { openStore } from '../store.js';
import { fileHash, newTestStore, tempDirs, testProtector } from '../test-support.js';
import { MIGRATIONS, type Migration } from './index.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const NEXT = MIGRATIONS.length + 1;
const CURRENT = MIGRATIONS.length;

const addNotes: Migration = {
  version: NEXT,
  name: 'add notes',
  up(db) {
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
    db.exec("INSERT INTO notes (text) VALUES ('first')");
  },
};

const failingHalfway: Migration = {
  version: NEXT,
  name: 'add notes, then fail',
  up(db) {
    addNotes.up(db);
    db.exec("UPDATE conversations SET peer_jid = 'changed'");
    throw new Error('simulated crash in the middle of a migration');
  },
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('schema migrations', () => {
  it('brings a new store to the newest schema', async () => {
    const store = await newTestStore(dirs.make());
    expect(store.schemaVersion()).toBe(MIGRATIONS.length);
    store.close();
  });

  it('applies a later migration to an existing store', async () => {
    const dir = dirs.make();
    (await newTestStore(dir)).close();
    const store = await openStore({ dir, protector: testProtector(), migrations: [...MIGRATIONS, addNotes] });
    expect(store.schemaVersion()).toBe(NEXT);
    store.close();
  });

  it('leaves the previous version intact when a migration fails halfway', async () => {
    const dir = dirs.make();
    const first = await newTestStore(dir);
    first.conversations.open('romeo@montague.example');
    first.close();

    const error = await rejection(openStore({ dir, protector: testProtector(), migrations: [...MIGRATIONS, failingHalfway] }));
    expect(isStoreError(error, 'migration-failed')).toBe(true);
    expect((error as Error).message).toContain(`schema ${CURRENT}`);

    const reopened = await openStore({ dir, protector: testProtector() });
    expect(reopened.schemaVersion()).toBe(CURRENT);
    expect(reopened.conversations.findByPeer('romeo@montague.example')).toBeDefined();
    reopened.close();
    // Nothing of the failed step survived: the same step, done right, applies cleanly.
    const upgraded = await openStore({ dir, protector: testProtector(), migrations: [...MIGRATIONS, addNotes] });
    expect(upgraded.schemaVersion()).toBe(NEXT);
    upgraded.close();
  });

  it('refuses a store written by a newer Parley with newer-version and does not change it', async () => {
    const dir = dirs.make();
    (await newTestStore(dir, { migrations: [...MIGRATIONS, addNotes] })).close();
    const before = fileHash(storeFiles(dir).database);
    const error = await rejection(openStore({ dir, protector: testProtector() }));
    expect(isStoreError(error, 'newer-version')).toBe(true);
    expect(fileHash(storeFiles(dir).database)).toBe(before);
  });
});
