/**
 * Disappearing messages through the whole engine: two (or three) engines on the in-memory
 * network, real encrypted SQLite stores, one controllable clock.
 */
import { existsSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseXml } from '../../electron/engine/xmpp/xml.js';
import { ALICE, BOB, World } from './harness.js';

let world: World;
beforeEach(() => {
  world = new World();
});
afterEach(async () => world.dispose());

describe('disappearing messages', () => {
  it('counts down from sending on the sender’s devices and from display on the recipient’s', async () => {
    const alice = await world.peer(ALICE, 'alice');
    const aliceLaptop = await world.peer(ALICE, 'alice-laptop');
    const bob = await world.peer(BOB, 'bob');
    await alice.engine.refreshDevices(ALICE);
    const t0 = world.clock.now();
    const sent = await alice.engine.send(BOB, 'self-destructs', undefined, { expireAfterSeconds: 30 });
    await world.until(() => bob.received.length === 1 && aliceLaptop.received.length === 1, 'received on both');

    expect(alice.store.messages.get(sent.id)).toMatchObject({ expireAfterSeconds: 30, expiresAt: t0 + 30_000 });
    expect(aliceLaptop.store.messages.get(sent.id)).toMatchObject({ direction: 'out', expireAfterSeconds: 30, expiresAt: t0 + 30_000 });
    expect(bob.received[0]).toMatchObject({ id: sent.id, expireAfterSeconds: 30 });
    expect(bob.store.messages.get(sent.id)?.expiresAt).toBeUndefined();

    world.clock.advance(30_000);
    expect(alice.expired).toEqual([sent.id]);
    expect(aliceLaptop.expired).toEqual([sent.id]);
    expect(alice.store.messages.get(sent.id)).toBeUndefined();
    expect(bob.store.messages.get(sent.id)).toBeDefined(); // not yet read

    world.clock.advance(60_000);
    const shownAt = world.clock.now();
    expect(bob.engine.markDisplayed(ALICE)).toBe(1);
    expect(bob.store.messages.get(sent.id)?.expiresAt).toBe(shownAt + 30_000);
    world.clock.advance(29_999);
    expect(bob.expired).toEqual([]);
    world.clock.advance(1);
    expect(bob.expired).toEqual([sent.id]);
    expect(bob.store.messages.get(sent.id)).toBeUndefined();
    expect(bob.store.search('destructs')).toEqual([]);
    expect(bob.store.conversationList()[0]?.lastMessage).toBeUndefined();
  });

  it('sends a disappearing message with a no-permanent-store hint and its timer only inside the encryption', async () => {
    const alice = await world.peer(ALICE, 'alice');
    await world.peer(BOB, 'bob');
    const sent = await alice.engine.send(BOB, 'hinted', undefined, { expireAfterSeconds: 60 });
    const stanza = world.network.messages.find((m) => m.attrs.id === sent.id)!;
    expect(stanza.getChild('no-permanent-store', 'urn:xmpp:hints')).toBeDefined();
    expect(stanza.getChild('store', 'urn:xmpp:hints')).toBeUndefined();
    expect(stanza.toString()).not.toContain('ephemeral');
    const plain = await alice.engine.send(BOB, 'kept');
    expect(world.network.messages.find((m) => m.attrs.id === plain.id)!.getChild('store', 'urn:xmpp:hints')).toBeDefined();
  });

  it('shows a timer change on both sides and applies it to messages sent after it', async () => {
    const alice = await world.peer(ALICE, 'alice');
    const bob = await world.peer(BOB, 'bob');
    const before = await bob.engine.send(ALICE, 'before the change');
    await world.until(() => alice.received.length === 1, 'first message');
    await alice.engine.setConversationTimer(BOB, 300);
    await world.until(() => bob.timers.length === 1, 'bob sees the change');
    expect(alice.timers).toMatchObject([{ peerJid: BOB, seconds: 300, setBy: ALICE, version: 1 }]);
    expect(bob.timers).toMatchObject([{ peerJid: ALICE, seconds: 300, setBy: ALICE, version: 1 }]);
    expect(bob.store.conversations.findByPeer(ALICE)?.disappearingSeconds).toBe(300);
    expect(bob.received).toHaveLength(0); // the change itself is no chat message

    const after = await bob.engine.send(ALICE, 'after the change');
    await world.until(() => alice.received.length === 2, 'second message');
    expect(alice.store.messages.get(before.id)?.expireAfterSeconds).toBeUndefined();
    expect(alice.store.messages.get(after.id)?.expireAfterSeconds).toBe(300);
    expect(bob.store.messages.get(after.id)?.expiresAt).toBe(world.clock.now() + 300_000);

    await bob.engine.setConversationTimer(ALICE, undefined);
    await world.until(() => alice.timers.length === 2, 'alice sees it off');
    expect(alice.store.conversations.findByPeer(BOB)?.disappearingSeconds).toBeUndefined();
    expect(alice.timers[1]).toMatchObject({ setBy: BOB, version: 2 });
  });

  it('converges on one value when both sides change the timer at the same time', async () => {
    const alice = await world.peer(ALICE, 'alice');
    const bob = await world.peer(BOB, 'bob');
    await alice.engine.refreshDevices(BOB);
    await bob.engine.refreshDevices(ALICE);
    // Both changes are made (version 1 each) before either has seen the other's.
    await Promise.all([alice.engine.setConversationTimer(BOB, 30), bob.engine.setConversationTimer(ALICE, 3600)]);
    await world.until(() => alice.timers.length === 2, 'alice adopts');
    await world.settle();
    const a = alice.store.conversations.findByPeer(BOB)!;
    const b = bob.store.conversations.findByPeer(ALICE)!;
    expect([a.disappearingSeconds, a.version, a.timerSetBy]).toEqual([3600, 1, BOB]);
    expect([b.disappearingSeconds, b.version, b.timerSetBy]).toEqual([3600, 1, BOB]);
    expect(bob.timers).toHaveLength(1); // alice's change ordered before bob's own: ignored
  });

  it('purges a message that expired while the app was closed at the next unlock, before anything is shown', async () => {
    const alice = await world.peer(ALICE, 'alice');
    const bob = await world.peer(BOB, 'bob');
    const sent = await alice.engine.send(BOB, 'gone while closed', undefined, { expireAfterSeconds: 30 });
    await world.until(() => bob.received.length === 1, 'received');
    await world.close(alice);
    world.clock.advance(45_000); // no engine: nothing fires
    await world.reopen(alice, ALICE); // constructed, not started, nothing queried yet
    expect(alice.store.messages.get(sent.id)).toBeUndefined(); // the row itself, not just hidden
    expect(alice.store.forgottenMessages.isForgotten({ messageId: sent.id })).toBe(true);
    const wal = `${world.storeDir('alice')}/parley.db-wal`;
    expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
  });

  it('never brings an expired message back from an archive replay or a late copy', async () => {
    const alice = await world.peer(ALICE, 'alice');
    const bob = await world.peer(BOB, 'bob');
    await alice.engine.setConversationTimer(BOB, 30);
    const sent = await alice.engine.send(BOB, 'only once');
    await world.until(() => bob.received.length === 1, 'received');
    bob.engine.markDisplayed(ALICE);
    world.clock.advance(30_000);
    expect(bob.store.messages.get(sent.id)).toBeUndefined();

    // Even with the duplicate record gone, the expiry record alone keeps it out.
    bob.store.processedStanzas.pruneBefore(world.clock.now() + 1);
    const original = world.network.messages.find((m) => m.attrs.id === sent.id)!;
    bob.transport.deliver(parseXml(original.toString()));
    await world.close(bob);
    await world.reopen(bob, BOB);
    await bob.engine.start(); // archive catch-up replays everything the archive holds
    await world.settle();
    expect(bob.received).toHaveLength(1);
    expect(bob.store.messages.get(sent.id)).toBeUndefined();
    expect(bob.store.search('once')).toEqual([]);
    expect(bob.log.some((l) => l.startsWith('undecryptable'))).toBe(false);
  });

  it('sends a timer change made offline at the next sign-in', async () => {
    const alice = await world.peer(ALICE, 'alice');
    const bob = await world.peer(BOB, 'bob');
    await alice.engine.send(BOB, 'a session first');
    await world.until(() => bob.received.length === 1, 'received');
    await world.close(alice);
    await world.reopen(alice, ALICE);
    await alice.engine.setConversationTimer(BOB, 3600); // not started: stays flagged
    expect(bob.timers).toHaveLength(0);
    await alice.engine.start();
    await world.until(() => bob.timers.length === 1, 'announced at sign-in');
    expect(bob.store.conversations.findByPeer(ALICE)?.disappearingSeconds).toBe(3600);
    expect(alice.store.conversations.listUnannouncedTimers()).toEqual([]);
  });
});
