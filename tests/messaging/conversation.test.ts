import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProsodyServer } from '../../scripts/prosody/launcher.js';
import { ALICE, BOB, jidOf, startClient, startServer, tempDirs, waitFor, type Client } from './helpers.js';

let server: ProsodyServer;
const dirs = tempDirs();
const clients: Client[] = [];

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  for (const c of clients) await c.stop();
  await server?.stop();
  dirs.cleanup();
});

describe('two Parley accounts through the engine against Prosody', () => {
  it('exchanges encrypted messages both ways, acked by the server and confirmed by receipts', async () => {
    const alice = await startClient(server, ALICE, dirs.make('alice'));
    const bob = await startClient(server, BOB, dirs.make('bob'));
    clients.push(alice, bob);
    const aliceJid = jidOf(server, ALICE);
    const bobJid = jidOf(server, BOB);

    const sent = await alice.engine.send(bobJid, 'hello bob <&>');
    expect(sent.devices).toEqual([{ jid: bobJid, deviceId: bob.engine.deviceId }]);
    await alice.engine.waitUntilSent(sent.id);
    await waitFor(() => bob.received.length === 1, 15_000, 'bob receives');
    expect(bob.received[0]).toMatchObject({ id: sent.id, from: aliceJid, body: 'hello bob <&>', device: alice.engine.deviceId, encryption: 'omemo:2', trusted: true });

    const reply = await bob.engine.send(aliceJid, 'hi alice');
    await bob.engine.waitUntilSent(reply.id);
    await waitFor(() => alice.received.length === 1, 15_000, 'alice receives');
    expect(alice.received[0]).toMatchObject({ id: reply.id, from: bobJid, body: 'hi alice', device: bob.engine.deviceId });

    await waitFor(() => alice.store.messages.get(sent.id)?.state === 'delivered', 15_000, 'receipt');
    expect(alice.engine.history(bobJid).map((m) => [m.direction, m.body])).toEqual([['out', 'hello bob <&>'], ['in', 'hi alice']]);
    expect(bob.log.join('\n')).not.toContain('hello bob');
  });
});
