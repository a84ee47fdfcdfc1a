/**
 * Kills a writing process with SIGKILL at random points, over and over, and checks after
 * every kill that the store opens, is intact, and that sessions and messages agree.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../electron/engine/store/index.js';
import { newTestStore, tempDirs, testProtector } from '../../electron/engine/store/test-support.js';
import { counterSession } from './crash-session.js';
import { checkInvariant } from './crash-workload.js';

const KILLS = 50;
const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

/** Starts the child and SIGKILLs it: mostly while it writes, sometimes while it is still opening the store. */
function runAndKill(dir: string): Promise<{ reachedWrites: boolean }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let reachedWrites = false;
    let stderr = '';
    const kill = (): void => void proc.kill('SIGKILL');
    const duringStartup = Math.random() < 0.15;
    const timer = duringStartup ? setTimeout(kill, 200 + Math.random() * 300) : setTimeout(kill, 10_000);
    proc.stdout.on('data', (chunk: Buffer) => {
      if (!reachedWrites && chunk.toString().includes('ready')) {
        reachedWrites = true;
        if (!duringStartup) {
          clearTimeout(timer);
          setTimeout(kill, Math.random() * 60);
        }
      }
    });
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve({ reachedWrites });
      else reject(new Error(`crash child exited by itself (${code}): ${stderr}`));
    });
  });
}

describe('crash safety', () => {
  it(`keeps sessions, messages, outbox and dedup consistent across ${KILLS} SIGKILLs during writes`, { timeout: 120_000 }, async () => {
    const dir = dirs.make();
    (await newTestStore(dir)).close();
    let killedWhileWriting = 0;
    let last = { sent: 0, received: 0 };
    for (let kill = 0; kill < KILLS; kill++) {
      const { reachedWrites } = await runAndKill(dir);
      if (reachedWrites) killedWhileWriting++;
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
    console.log(killedWhileWriting, last);
    expect(killedWhileWriting).toBeGreaterThan(KILLS / 2);
    expect(last.sent + last.received).toBeGreaterThan(KILLS); // the children did write between kills
  });
});
