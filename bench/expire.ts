/**
 * Disappearing messages: `expire_10k_ms` — 10,000 messages (with full-text index rows) share
 * one expiry time; measured from that time until the store has deleted them all (rows, FTS,
 * forgotten-ids, WAL checkpoint) and the UI-facing `messagesExpired` frame is built. Uses the
 * real scheduler on the real timer, so timer latency counts. Target ≤ 500 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExpiryScheduler } from '../electron/engine/messaging/disappearing/index.js';
import { createStore, passphraseProtector } from '../electron/engine/store/index.js';
import { median, progress, round } from './util.js';

const COUNT = 10_000;
const RUNS = 3;
/** Time between arming and the shared expiry: long enough for the setup to be done. */
const LEAD_MS = 300;

async function oneRun(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-expire-'));
  const store = await createStore({ dir, protector: passphraseProtector('bench', { N: 2 ** 10, r: 8, p: 1 }) });
  try {
    const conversation = store.conversations.open('peer@example.org');
    const expiresAt = Date.now() + 60_000;
    store.transaction(() => {
      for (let i = 0; i < COUNT; i++) {
        store.messages.insert({
          id: `bench-${i}`,
          conversationId: conversation.id,
          direction: i % 2 ? 'in' : 'out',
          senderJid: 'peer@example.org',
          body: `disappearing message number ${i} with a few words to index`,
          sentAt: expiresAt - 60_000 + i,
          state: 'delivered',
          encryption: 'omemo:2',
          expireAfterSeconds: 60,
          expiresAt,
        });
      }
    });
    store.checkpoint();
    // Move the shared expiry close, now that the setup is done.
    const due = Date.now() + LEAD_MS;
    const delivered = new Promise<number>((resolve) => {
      const scheduler = new ExpiryScheduler({
        nextExpiry: () => store.messages.nextExpiry(),
        purge: (now) => store.messages.expire(now),
        onExpired(ids) {
          const frame = JSON.stringify({ event: 'messagesExpired', payload: { ids } });
          if (ids.length !== COUNT || frame.length === 0) throw new Error(`expected ${COUNT} ids, got ${ids.length}`);
          scheduler.stop();
          resolve(Date.now() - due);
        },
        // A clock on which the stored expiry time falls at `due`.
        now: () => Date.now() + (expiresAt - due),
      });
      scheduler.start();
    });
    // The scheduler's timer is unref'd (it never keeps a process alive); this one does, meanwhile.
    const keepAlive = setTimeout(() => undefined, LEAD_MS + 10_000);
    try {
      return await delivered;
    } finally {
      clearTimeout(keepAlive);
    }
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function expireFigures(): Promise<{ expire_10k_ms: number }> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    progress(`expire ${COUNT} messages, run ${i + 1}/${RUNS}`);
    times.push(await oneRun());
  }
  return { expire_10k_ms: round(median(times), 1) };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await expireFigures());
