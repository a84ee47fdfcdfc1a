import { existsSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { storeFiles } from './files.js';
import type { Message } from './message-row.js';
import { newTestStore, tempDirs } from './test-support.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const PEER = 'romeo@montague.example';

function message(conversationId: number, i: number, extra: Partial<Message>): Message {
  return { id: `m-${i}`, conversationId, direction: 'in', senderJid: PEER, body: `balcony secret ${i}`, sentAt: 1000 + i, state: 'delivered', encryption: 'omemo:2', ...extra };
}

describe('message expiry in the store', () => {
  for (const count of [3, 500]) {
    it(`purges ${count} due messages with their search entries, remembers them, and leaves an empty WAL`, async () => {
      const dir = dirs.make();
      const store = await newTestStore(dir, { now: () => 10_000 });
      const c = store.conversations.open(PEER);
      store.transaction(() => {
        for (let i = 0; i < count; i++) store.messages.insert(message(c.id, i, { expiresAt: 5_000, expireAfterSeconds: 5 }));
        store.messages.insert(message(c.id, count, { body: 'balcony kept' }));
      });
      expect(store.messages.nextExpiry()).toBe(5_000);
      const ids = store.messages.expire(10_000);
      expect(ids).toHaveLength(count);
      expect(store.messages.get('m-0')).toBeUndefined();
      expect(store.search('secret')).toEqual([]);
      expect(store.search('balcony').map((m) => m.body)).toEqual(['balcony kept']);
      expect(store.forgottenMessages.isForgotten({ messageId: `m-${count - 1}` })).toBe(true);
      expect(store.messages.nextExpiry()).toBeUndefined();
      const wal = `${storeFiles(dir).database}-wal`;
      expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
      // The index is still consistent after the bulk path (merge + secure-delete back on).
      expect(store.integrityCheck()).toEqual([]);
      store.close();
    });
  }

  it('starts a received message’s countdown when it is displayed, not before', async () => {
    const store = await newTestStore(dirs.make());
    const c = store.conversations.open(PEER);
    store.messages.insert(message(c.id, 1, { expireAfterSeconds: 30 }));
    store.messages.insert(message(c.id, 2, {}));
    expect(store.messages.nextExpiry()).toBeUndefined();
    store.messages.markDisplayed(c.id, { sentAt: 1002, id: 'm-2' }, 50_000);
    expect(store.messages.get('m-1')?.expiresAt).toBe(80_000);
    expect(store.messages.get('m-2')?.expiresAt).toBeUndefined();
    store.close();
  });

  it('keeps the timer setting that orders last by (version, setter, device), in any arrival order', async () => {
    const store = await newTestStore(dirs.make());
    const c = store.conversations.open(PEER);
    const fromJuliet = { seconds: 30, version: 1, setBy: 'juliet@capulet.example', setDevice: 5, setAt: 2 };
    const fromRomeo = { seconds: 3600, version: 1, setBy: PEER, setDevice: 1, setAt: 1 };
    expect(store.conversations.applyTimerSetting(c.id, fromRomeo, false)).toBe(true);
    expect(store.conversations.applyTimerSetting(c.id, fromJuliet, false)).toBe(false);
    expect(store.conversations.applyTimerSetting(c.id, fromRomeo, false)).toBe(false);
    expect(store.conversations.get(c.id)).toMatchObject({ disappearingSeconds: 3600, version: 1, timerSetBy: PEER });
    expect(store.conversations.applyTimerSetting(c.id, { version: 2, setBy: 'juliet@capulet.example', setDevice: 5, setAt: 3 }, true)).toBe(true);
    expect(store.conversations.get(c.id)?.disappearingSeconds).toBeUndefined();
    expect(store.conversations.listUnannouncedTimers().map((x) => x.id)).toEqual([c.id]);
    store.conversations.markTimerAnnounced(c.id, 2);
    expect(store.conversations.listUnannouncedTimers()).toEqual([]);
    store.close();
  });
});
