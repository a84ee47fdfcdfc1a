import { beforeAll, describe, expect, it } from 'vitest';
import type { ProsodyServer } from '../../scripts/prosody/launcher.js';
import { ALICE, BOB, CAROL, jidOf, startClient, useServer, waitFor, type Client } from './helpers.js';

const context = useServer();
const { dirs, clients } = context;
let server: ProsodyServer;
beforeAll(() => {
  server = context.server;
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

  it('shows both directions on a second device of the same account (own-device encryption and carbons)', async () => {
    const [alice, bob] = clients as [Client, Client];
    const aliceJid = jidOf(server, ALICE);
    const bobJid = jidOf(server, BOB);
    const alice2 = await startClient(server, ALICE, dirs.make('alice2'));
    clients.push(alice2);
    // Our own device list is pushed to us (+notify); a contact without a presence subscription refetches.
    await waitFor(() => alice.engine.devices(aliceJid).some((d) => d.deviceId === alice2.engine.deviceId), 10_000, 'own device list notification');
    await bob.engine.refreshDevices(aliceJid);

    const toAlice = await bob.engine.send(aliceJid, 'to both of your devices');
    expect(toAlice.devices.map((d) => d.deviceId).sort()).toEqual([alice.engine.deviceId, alice2.engine.deviceId].sort());
    await waitFor(() => alice.received.length === 2 && alice2.received.length === 1, 15_000, 'both alice devices receive');
    expect(alice2.received[0]).toMatchObject({ id: toAlice.id, from: bobJid, direction: 'in', body: 'to both of your devices' });

    const fromAlice = await alice.engine.send(bobJid, 'written on device one');
    expect(fromAlice.devices.map((d) => d.deviceId).sort()).toEqual([bob.engine.deviceId, alice2.engine.deviceId].sort());
    await waitFor(() => alice2.received.length === 2, 15_000, 'the sent carbon');
    expect(alice2.received[1]).toMatchObject({ id: fromAlice.id, from: aliceJid, peerJid: bobJid, direction: 'out', via: 'carbon-sent', body: 'written on device one' });
    expect(alice2.engine.history(bobJid).map((m) => [m.direction, m.body])).toEqual([
      ['in', 'to both of your devices'],
      ['out', 'written on device one'],
    ]);
    await waitFor(() => bob.received.length === 2, 15_000, 'bob receives');
  });

  it('delivers a message sent while the recipient was offline exactly once at sign-in', async () => {
    const bob = clients[1]!;
    const alice = clients[0]!;
    const bobJid = jidOf(server, BOB);
    await bob.stop();
    const sent = await alice.engine.send(bobJid, 'while you were away');
    await alice.engine.waitUntilSent(sent.id);

    const again = await startClient(server, BOB, dirs.make('bob'));
    clients[1] = again;
    await waitFor(() => again.received.some((m) => m.id === sent.id), 15_000, 'caught up');
    // Any second copy (offline storage, a live resend) must be dropped as a duplicate.
    await new Promise((r) => setTimeout(r, 1_500));
    await again.engine.settle();
    expect(again.received.filter((m) => m.id === sent.id)).toHaveLength(1);
    expect(again.received[0]).toMatchObject({ body: 'while you were away', via: 'archive' });
    expect(again.engine.history(jidOf(server, ALICE)).filter((m) => m.id === sent.id)).toHaveLength(1);
    await waitFor(() => alice.store.messages.get(sent.id)?.state === 'delivered', 15_000, 'receipt after catch-up');
  });

  it('keeps two accounts talking after both sent their first message at the same moment', async () => {
    // Crossed key exchanges: each device replaces its own new session with the one the other
    // built, and the other keeps sending on the one it replaced (session-record.ts).
    const carol = await startClient(server, CAROL, dirs.make('carol'));
    const dave = await startClient(server, BOB, dirs.make('bob-second-device'));
    clients.push(carol, dave);
    const carolJid = jidOf(server, CAROL);
    const bobJid = jidOf(server, BOB);
    const problems: string[] = [];
    for (const c of [carol, dave]) c.engine.on('undecryptable', (m) => problems.push(m.reason));
    await Promise.all([carol.engine.send(bobJid, 'carol first'), dave.engine.send(carolJid, 'bob first')]);
    await waitFor(() => dave.received.some((m) => m.body === 'carol first') && carol.received.some((m) => m.body === 'bob first'), 15_000, 'first messages');
    for (const round of [2, 3]) {
      await carol.engine.send(bobJid, `carol ${round}`);
      await dave.engine.send(carolJid, `bob ${round}`);
      await waitFor(() => dave.received.some((m) => m.body === `carol ${round}`) && carol.received.some((m) => m.body === `bob ${round}`), 15_000, `round ${round}`);
    }
    expect(carol.received.filter((m) => m.from === bobJid && m.device === dave.engine.deviceId).map((m) => m.body)).toEqual(['bob first', 'bob 2', 'bob 3']);
    expect(dave.received.filter((m) => m.from === carolJid).map((m) => m.body)).toEqual(['carol first', 'carol 2', 'carol 3']);
    expect(problems).toEqual([]);
  });
});
