import { beforeAll, describe, expect, it } from 'vitest';
import type { ProsodyServer } from '../../scripts/prosody/launcher.js';
import { ALICE, BOB, jidOf, startClient, useServer, waitFor } from './helpers.js';

const context = useServer();
const { dirs, clients } = context;
let server: ProsodyServer;
beforeAll(() => {
  server = context.server;
});

const BURST = 200;
const CUT_AT = 100;

describe('a burst of messages across a server crash', () => {
  it('loses and doubles none of 200 messages when the server is killed and restarted in the middle', async () => {
    const alice = await startClient(server, ALICE, dirs.make('alice'));
    const bob = await startClient(server, BOB, dirs.make('bob'));
    clients.push(alice, bob);
    const bobJid = jidOf(server, BOB);
    const unacked: string[] = [];
    alice.connection.on('unacked', (id, stanza) => stanza.name === 'message' && id && unacked.push(id));

    const ids: string[] = [];
    let restarted: Promise<void> | undefined;
    for (let i = 0; i < BURST; i++) {
      if (i === CUT_AT) {
        // SIGKILL: the server forgets every stream (no resumption) and whatever it had not written out.
        await server.kill();
        restarted = new Promise((r) => setTimeout(r, 300)).then(() => server.restart());
      }
      const sent = await alice.engine.send(bobJid, `message ${i}`);
      ids.push(sent.id);
    }
    await restarted;

    await waitFor(() => ids.every((id) => ['sent', 'delivered'].includes(alice.store.messages.get(id)?.state ?? '')), 45_000, 'every message acked');
    expect(alice.store.outbox.list()).toHaveLength(0);
    await waitFor(() => new Set(bob.received.map((m) => m.id)).size === BURST, 45_000, 'bob has every message');
    // Let late duplicates (resent after the crash, archive and live copies) arrive before counting.
    await new Promise((r) => setTimeout(r, 1_000));
    await bob.engine.settle();

    expect(unacked.length).toBeGreaterThan(0); // the crash really cut messages in flight
    const receivedIds = bob.received.map((m) => m.id);
    expect(receivedIds).toHaveLength(BURST); // nothing doubled
    expect(new Set(receivedIds)).toEqual(new Set(ids)); // nothing lost
    expect(bob.received.every((m) => m.body === `message ${ids.indexOf(m.id)}`)).toBe(true);
    const stored = bob.engine.history(jidOf(server, ALICE), 500);
    expect(stored).toHaveLength(BURST);
    expect(stored.every((m) => m.state === 'delivered' && m.body !== undefined)).toBe(true);
  }, 120_000);
});
