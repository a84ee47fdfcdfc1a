/** Kills a process in the middle of re-keying, repeatedly: the store must always open with its key file(s). */
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../electron/engine/store/index.js';
import { newTestStore, tempDirs, testProtector } from '../../electron/engine/store/test-support.js';
import { runAndKill } from './kill-child.js';

const KILLS = 15;
const MESSAGES = 3000;
const child = fileURLToPath(new URL('./rekey-child.ts', import.meta.url));
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

describe('crash during rekey', () => {
  it(`opens intact with all history after ${KILLS} SIGKILLs while re-keying`, { timeout: 90_000 }, async () => {
    const dir = dirs.make();
    const store = await newTestStore(dir);
    const conversationId = store.conversations.open('juliet@capulet.example').id;
    store.transaction(() => {
      for (let i = 0; i < MESSAGES; i++) {
        store.messages.insert({ id: `m${i}`, conversationId, direction: 'in', senderJid: 'juliet@capulet.example', body: `message ${i} `.repeat(10), sentAt: i, state: 'delivered', encryption: 'omemo:2' });
      }
    });
    store.close();

    for (let kill = 0; kill < KILLS; kill++) {
      await runAndKill(child, [dir], { startupKillChance: 0, maxDelayMs: 400 });
      const reopened = await openStore({ dir, protector: testProtector() });
      try {
        expect(reopened.integrityCheck()).toEqual([]);
        expect(reopened.messages.page(conversationId, { limit: 1 })[0]?.id).toBe(`m${MESSAGES - 1}`);
        expect(reopened.messages.get('m0')?.body).toContain('message 0');
      } finally {
        reopened.close();
      }
    }
  });
});
