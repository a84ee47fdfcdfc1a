/**
 * Kills a writing process with SIGKILL at random points, over and over, and checks after
 * every kill that the store opens, is intact, and that sessions and messages agree: once
 * with a counter session (cheap, many steps per run, acks in the child) and once with the
 * real OMEMO:2 double ratchet talking to a peer whose state lives in this process.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice, decryptMessage, getOwnBundle } from '../../electron/engine/protocol/index.js';
import { openStore } from '../../electron/engine/store/index.js';
import { newTestStore, tempDirs, testProtector } from '../../electron/engine/store/test-support.js';
import { createPeer, skippedKeysOf, type CrashPeer } from './crash-peer.js';
import { encodeFeed, feedEntry, PEER_DEVICES, protocolContext, ratchetSession } from './crash-ratchet-session.js';
import { counterSession } from './crash-session.js';
import { checkInvariant, OWN, PEER, receiveOne, sendOne } from './crash-workload.js';
import { bundleChild, runAndKill } from './kill-child.js';

const KILLS = 50;
/** Incoming messages the peer writes ahead of the child: more than one run can consume. */
const LOOKAHEAD = 150;
const dirs = tempDirs();
let child: Awaited<ReturnType<typeof bundleChild>> | undefined;
beforeAll(async () => {
  child = await bundleChild(fileURLToPath(new URL('./crash-child.ts', import.meta.url)));
});
afterAll(() => {
  child?.remove();
  dirs.cleanup();
});

describe('crash safety', () => {
  it.concurrent(`keeps sessions, messages, outbox and dedup consistent across ${KILLS} SIGKILLs during writes`, { timeout: 120_000 }, async () => {
    const dir = dirs.make();
    (await newTestStore(dir)).close();
    let killedWhileWriting = 0;
    let last = { sent: 0, received: 0 };
    for (let kill = 0; kill < KILLS; kill++) {
      // Mostly while it writes; sometimes while it is still starting or opening the store.
      const { reachedReady } = await runAndKill(child!.path, [dir], { startupKillChance: 0.15, maxDelayMs: 60 });
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

  it.concurrent(`keeps real OMEMO:2 sessions decrypting both ways, with no message lost or doubled, across ${KILLS} SIGKILLs`, { timeout: 120_000 }, async () => {
    const dir = dirs.make();
    const feedFile = join(dirs.make(), 'feed.json');
    const peer = await setUpRatchetStore(dir);
    const session = ratchetSession(() => peer.feed(1));
    let killedWhileWriting = 0;
    let childSteps = 0;
    let last = { sent: 0, received: 0 };
    for (let kill = 0; kill < KILLS; kill++) {
      peer.writeUpTo(last.received + LOOKAHEAD);
      writeFileSync(feedFile, encodeFeed(peer.feed(last.received + 1)));
      const { reachedReady } = await runAndKill(child!.path, [dir, feedFile], { startupKillChance: 0.15, maxDelayMs: 250 });
      if (reachedReady) killedWhileWriting++;
      const store = await openStore({ dir, protector: testProtector() });
      const after = `after kill ${kill + 1}`;
      try {
        expect(store.integrityCheck()).toEqual([]);
        const { problems, sent, received } = checkInvariant(store, session);
        expect(problems, after).toEqual([]);
        expect(sent, after).toBeGreaterThanOrEqual(last.sent);
        expect(received, after).toBeGreaterThanOrEqual(last.received);
        childSteps += sent - last.sent + received - last.received;
        const conversationId = store.conversations.open(PEER.jid).id;

        // The archive re-delivers the last stanza: deduplicated, the sessions untouched.
        const before = store.protocol.loadSession(PEER);
        receiveOne(store, session, conversationId, Date.now(), true);
        expect(session.progress(store), after).toEqual({ sent, received });
        expect(store.protocol.loadSession(PEER), after).toEqual(before);
        // The stored session really consumed the last message it stored (its key is gone).
        const lastIn = feedEntry(peer.feed(1), received);
        if (lastIn !== undefined) {
          const sender = { jid: PEER.jid, deviceId: lastIn.from };
          expect(() => decryptMessage(protocolContext(store), sender, lastIn, lastIn.payload), after).toThrowError(expect.objectContaining({ code: 'replay' }));
        }

        // The peer decrypts every committed outgoing message once, in order, on both devices.
        peer.deliverOutbox(store);
        expect(peer.delivered, after).toBe(sent);

        // The conversation goes on: each session decrypts the peer's next message, and the peer ours.
        peer.writeUpTo(received + PEER_DEVICES.length);
        for (let i = 0; i < PEER_DEVICES.length; i++) receiveOne(store, session, conversationId, Date.now());
        sendOne(store, session, conversationId, Date.now());
        peer.deliverOutbox(store);
        last = { sent: sent + 1, received: received + PEER_DEVICES.length };
        expect(session.progress(store), after).toEqual(last);
        expect(peer.delivered, after).toBe(last.sent);
        // No message key was skipped on either side: nothing went missing in between.
        expect(skippedKeysOf(store.protocol, PEER_DEVICES), after).toBe(0);
        expect(peer.skippedKeys(), after).toBe(0);
        expect(checkInvariant(store, session).problems, after).toEqual([]);
      } finally {
        store.close();
      }
    }
    expect(killedWhileWriting).toBeGreaterThan(KILLS / 2);
    expect(childSteps).toBeGreaterThan(KILLS); // the children did encrypt and decrypt between kills
  });
});

/** A new store with this device's identity and pre-keys; the peer's devices start sessions from its bundle. */
async function setUpRatchetStore(dir: string): Promise<CrashPeer> {
  const store = await newTestStore(dir);
  try {
    const ctx = protocolContext(store);
    store.transaction(() => createDevice(ctx, { jid: OWN.jid, deviceId: OWN.deviceId, preKeyCount: 25 }));
    return createPeer(getOwnBundle(ctx));
  } finally {
    store.close();
  }
}
