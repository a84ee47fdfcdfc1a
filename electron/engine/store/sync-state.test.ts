import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './store.js';
import { newTestStore, tempDirs, testProtector } from './test-support.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const CURSOR = 'mam:romeo@montague.example';

describe('sync state', () => {
  it('has no value for a key never set, then keeps the latest value', async () => {
    const store = await newTestStore(dirs.make());
    expect(store.syncState.get(CURSOR)).toBeUndefined();
    store.syncState.set(CURSOR, 'stanza-1');
    store.syncState.set(CURSOR, 'stanza-2');
    expect(store.syncState.get(CURSOR)).toBe('stanza-2');
    expect(store.syncState.get('mam:other@example.org')).toBeUndefined();
    store.close();
  });

  it('keeps the value across a reopen', async () => {
    const dir = dirs.make();
    const store = await newTestStore(dir);
    store.syncState.set(CURSOR, 'stanza-7');
    store.close();
    const reopened = await openStore({ dir, protector: testProtector() });
    expect(reopened.syncState.get(CURSOR)).toBe('stanza-7');
    reopened.close();
  });

  it('moves the cursor only if the transaction storing its messages commits', async () => {
    const store = await newTestStore(dirs.make());
    store.syncState.set(CURSOR, 'stanza-1');
    expect(() =>
      store.transaction(() => {
        store.syncState.set(CURSOR, 'stanza-2');
        throw new Error('storing the page failed');
      }),
    ).toThrow('storing the page failed');
    expect(store.syncState.get(CURSOR)).toBe('stanza-1');
    store.close();
  });

  it('deletes a value, reporting whether there was one', async () => {
    const store = await newTestStore(dirs.make());
    store.syncState.set(CURSOR, 'stanza-1');
    expect(store.syncState.delete(CURSOR)).toBe(true);
    expect(store.syncState.delete(CURSOR)).toBe(false);
    expect(store.syncState.get(CURSOR)).toBeUndefined();
    store.close();
  });
});
