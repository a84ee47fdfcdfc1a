/**
 * Signed pre-key rotation against Prosody (XEP-0384 §4.2): an engine whose signed pre-key is
 * older than the rotation period replaces it at sign-in and publishes the new one; a peer that
 * fetched the old bundle still gets its first message through during the grace period; after
 * it the old key is gone and a key exchange naming it is refused with a typed error.
 *
 * All engines share one injected clock, moved forward by days: the XEP-0420 time affix of a
 * live message is checked against the receiver's clock, so sender and receiver must agree.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProsodyServer } from '../../scripts/prosody/launcher.js';
import type { ReceivedMessage, SignedPreKeyRotationOptions } from '../../electron/engine/messaging/index.js';
import { decodeSessionRecord, type DeviceAddress } from '../../electron/engine/protocol/index.js';
import { fetchBundle } from '../../electron/engine/xmpp/omemo2-pep.js';
import { ALICE, BOB, CAROL, jidOf, nextEvent, startClient, useServer, waitFor, type Account, type Client } from './helpers.js';

const context = useServer();
const { dirs, clients } = context;
let server: ProsodyServer;
beforeAll(() => {
  server = context.server;
});

const DAY = 24 * 60 * 60 * 1000;
const WEEK = 7 * DAY;
/** Shorter than the (default, one week) rotation period, so deleting the old key is not a rotation. */
const BOB_SIGNED_PRE_KEY: SignedPreKeyRotationOptions = { gracePeriodMs: DAY };

const clock = { offsetMs: 0 };
const now = (): number => Date.now() + clock.offsetMs;

/** startClient (helpers.ts) on the shared clock, with signed pre-key options. */
async function startClocked(account: Account, dir: string, signedPreKey?: SignedPreKeyRotationOptions): Promise<Client> {
  const client = await startClient(server, account, dir, { now, preKeyCount: 30, ...(signedPreKey ? { signedPreKey } : {}) });
  clients.push(client);
  return client;
}

async function receives(client: Client, id: string, what: string): Promise<ReceivedMessage> {
  await waitFor(() => client.received.some((m) => m.id === id), 15_000, what);
  return client.received.find((m) => m.id === id)!;
}

describe('signed pre-key rotation, against Prosody', () => {
  it('rotates an old signed pre-key at sign-in; the old one answers delayed key exchanges until its grace period ends', async () => {
    const bobDir = dirs.make('bob');
    const firstBob = await startClocked(BOB, bobDir, BOB_SIGNED_PRE_KEY);
    const alice = await startClocked(ALICE, dirs.make('alice'));
    const carol = await startClocked(CAROL, dirs.make('carol'));
    const bobJid = jidOf(server, BOB);
    const bobDevice: DeviceAddress = { jid: bobJid, deviceId: firstBob.engine.deviceId };
    const oldSpkId = (await fetchBundle(alice.transport, bobJid, bobDevice.deviceId))!.signedPreKey.id;

    // Alice and Carol fetch Bob's bundle now and build sessions from it; their first messages come later.
    await alice.engine.refreshDevices(bobJid);
    await carol.engine.refreshDevices(bobJid);
    for (const peer of [alice, carol]) expect(decodeSessionRecord(peer.store.protocol.loadSession(bobDevice)!).keyExchange.spkId).toBe(oldSpkId);

    // Eight days later Bob signs in again: his signed pre-key is past the rotation period.
    await firstBob.stop();
    clients.splice(clients.indexOf(firstBob), 1);
    clock.offsetMs += WEEK + DAY;
    const bob = await startClocked(BOB, bobDir, BOB_SIGNED_PRE_KEY);
    const newSpkId = oldSpkId + 1;
    expect(bob.log.filter((l) => l.startsWith('signed-pre-key-'))).toEqual([`signed-pre-key-rotated id=${newSpkId} pruned=0`]);
    expect((await fetchBundle(carol.transport, bobJid, bobDevice.deviceId))!.signedPreKey.id).toBe(newSpkId);
    expect(bob.store.protocol.getSignedPreKey(oldSpkId)?.retiredAt).toBeDefined();

    // Within the grace period: Alice's key exchange names the old signed pre-key and decrypts.
    const during = await alice.engine.send(bobJid, 'within the grace period');
    expect(await receives(bob, during.id, 'the message naming the old signed pre-key')).toMatchObject({ body: 'within the grace period', device: alice.engine.deviceId });

    // Past the grace period Bob's periodic tick deletes the old key; the current one stays.
    clock.offsetMs += DAY + 60_000;
    await waitFor(() => bob.log.includes('signed-pre-key-pruned count=1'), 25_000, 'the tick prunes the old signed pre-key');
    expect(bob.store.protocol.getSignedPreKey(oldSpkId)).toBeUndefined();
    expect((await fetchBundle(alice.transport, bobJid, bobDevice.deviceId))!.signedPreKey.id).toBe(newSpkId);

    // Carol's key exchange names the deleted key: refused with the typed error, stored as such.
    const refused = nextEvent(bob.engine, 'undecryptable', (e) => e.from === jidOf(server, CAROL));
    const late = await carol.engine.send(bobJid, 'after the grace period');
    const [event] = await refused;
    expect(event).toMatchObject({ id: late.id, device: carol.engine.deviceId, reason: 'unknown-signed-pre-key' });
    expect(bob.store.messages.get(late.id)).toMatchObject({ state: 'undecryptable', stateReason: 'unknown-signed-pre-key', body: undefined });
    expect(bob.received.some((m) => m.id === late.id)).toBe(false);

    // Bob keeps working both ways.
    const after = await alice.engine.send(bobJid, 'still there?');
    expect(await receives(bob, after.id, 'a later message')).toMatchObject({ body: 'still there?' });
    const reply = await bob.engine.send(jidOf(server, ALICE), 'yes');
    expect(await receives(alice, reply.id, 'the reply')).toMatchObject({ body: 'yes' });
    expect(bob.engine.isReady).toBe(true);
  }, 90_000); // up to one engine tick (10 s) of waiting, on top of three sign-ins
});
