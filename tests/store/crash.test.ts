/**
 * Kills a writing process with SIGKILL at random points, over and over, and checks after
 * every kill that the store opens, is intact, and that sessions and messages agree.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../electron/engine/store/index.js';
import { newTestStore, tempDirs, testProtector } from '../../electron/engine/store/test-support.js';
import { counterSession } from './crash-session.js';
import { checkInvariant } from './crash-workload.js';
import { runAndKill } from './kill-child.js';

const KILLS = 50;
const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

describe('crash safety', () => {
  it(`keeps sessions, messages, outbox and dedup consistent across ${KILLS} SIGKILLs during writes`, { timeout: 120_000 }, async () => {
    const dir = dirs.make();
    (await newTestStore(dir)).close();
    let killedWhileWriting = 0;
    let last = { sent: 0, received: 0 };
    for (let kill = 0; kill < KILLS; kill++) {
      // Mostly while it writes; sometimes while it is still starting or opening the store.
      const { reachedReady } = await runAndKill(child, [dir], { startupKillChance: 0.15, maxDelayMs: 60 });
      if (reachedReady) killedWhileWriting++;
      const store = await openStore({ dir, protector: testProtector() }); // quick_check, stale lock takeover
      try {
        expect(store.integrityCheck()).toEqual([]);
        const { problems, sent, received } = checkInvariant(store, counterSession);
        expect(problems, `after kill ${kill + 1}`).toEqual([]);
        expect(sent).toBeGreaterThanOrEqual(last.sent); // committed work is never lost
        expect(received).toBeGreaterThanOrEqual(last.received);
        last = { sent, received };
      } finally {
        store.close();
      }
    }
    expect(killedWhileWriting).toBeGreaterThan(KILLS / 2);
    expect(last.sent + last.received).toBeGreaterThan(KILLS); // the children did write between kills
  });
});
