/**
 * Disappearing messages between two engines through a real, throwaway Prosody: the timer
 * change crosses the server, the messages expire on real timers on both sides, and an
 * archive catch-up after a restart does not bring the expired message back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProsodyServer } from '../../scripts/prosody/launcher.js';
import type { ExpiredMessages, TimerChanged } from '../../electron/engine/messaging/index.js';
import { ALICE, BOB, jidOf, startClient, startServer, tempDirs, waitFor, type Client } from '../messaging/helpers.js';

let server: ProsodyServer;
const dirs = tempDirs();
const clients: Client[] = [];

beforeAll(async () => {
  server = await startServer([ALICE, BOB]);
});
afterAll(async () => {
  for (const c of clients) await c.stop();
  await server?.stop();
  dirs.cleanup();
});

describe('disappearing messages through Prosody', () => {
  it('agrees on the timer, expires on both sides, and does not come back from the archive after a restart', async () => {
    const alice = await startClient(server, ALICE, dirs.make('alice'));
    const bob = await startClient(server, BOB, dirs.make('bob'));
    clients.push(alice, bob);
    const aliceJid = jidOf(server, ALICE);
    const bobJid = jidOf(server, BOB);
    const bobTimers: TimerChanged[] = [];
    bob.engine.on('timer', (t) => bobTimers.push(t));
    const expired: Record<string, string[]> = { alice: [], bob: [] };
    alice.engine.on('expired', (e: ExpiredMessages) => expired.alice!.push(...e.ids));
    bob.engine.on('expired', (e: ExpiredMessages) => expired.bob!.push(...e.ids));

    const kept = await alice.engine.send(bobJid, 'this one stays');
    await waitFor(() => bob.received.length === 1, 15_000, 'kept message');
    await alice.engine.setConversationTimer(bobJid, 2);
    await waitFor(() => bobTimers.length === 1, 15_000, 'bob learns the timer');
    expect(bob.store.conversations.findByPeer(aliceJid)).toMatchObject({ disappearingSeconds: 2, timerSetBy: aliceJid });

    const sentAt = Date.now();
    const gone = await alice.engine.send(bobJid, 'this one disappears');
    await alice.engine.waitUntilSent(gone.id);
    await waitFor(() => bob.received.length === 2, 15_000, 'disappearing message');
    expect(bob.received[1]).toMatchObject({ id: gone.id, expireAfterSeconds: 2 });
    bob.engine.markDisplayed(aliceJid);
    const shownAt = Date.now();

    await waitFor(() => expired.alice!.includes(gone.id), 5_000, 'alice’s copy expires');
    expect(Date.now() - (sentAt + 2000)).toBeLessThan(1000);
    await waitFor(() => expired.bob!.includes(gone.id), 5_000, 'bob’s copy expires');
    expect(Date.now() - (shownAt + 2000)).toBeLessThan(1000);
    expect(alice.store.messages.get(gone.id)).toBeUndefined();
    expect(bob.store.messages.get(gone.id)).toBeUndefined();
    expect(bob.store.search('disappears')).toEqual([]);

    // Bob restarts: the archive catch-up (from before both messages) must not bring it back.
    await bob.stop();
    const again = await startClient(server, BOB, dirs.make('bob'));
    clients.push(again);
    await again.engine.settle();
    expect(again.log.some((l) => l.startsWith('catch-up-done'))).toBe(true);
    expect(again.received.map((m) => m.id)).not.toContain(gone.id);
    expect(again.store.messages.get(gone.id)).toBeUndefined();
    expect(again.engine.history(aliceJid).map((m) => m.id)).toEqual([kept.id]);
    expect(again.log.some((l) => l.startsWith('undecryptable'))).toBe(false);
  });
});
