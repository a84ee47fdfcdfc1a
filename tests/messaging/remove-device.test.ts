/**
 * Removing a lost or retired device from the account, against a real Prosody: the device
 * leaves our published list (every other entry stays, another client's included), its bundle
 * leaves PEP, nobody encrypts to it any more, and the refusals are typed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isMessagingError } from '../../electron/engine/messaging/index.js';
import { fetchBundle, fetchDeviceList, publishDeviceList } from '../../electron/engine/xmpp/omemo2-pep.js';
import type { ProsodyServer } from '../../scripts/prosody/launcher.js';
import { ALICE, BOB, jidOf, startClient, useServer, waitFor, type Client } from './helpers.js';

const context = useServer();
const { dirs, clients } = context;
let server: ProsodyServer;
beforeAll(() => {
  server = context.server;
});

/** Another OMEMO client of the account, known only from the list (it never published a bundle). */
const OTHER_CLIENT = { id: 777_777, label: 'Old phone' };

const deviceIds = (sent: { devices: readonly { deviceId: number }[] }): number[] => sent.devices.map((d) => d.deviceId).sort();

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a refusal'),
    (error: unknown) => error,
  );
}

describe('removing another device of our account', () => {
  let alice: Client;
  let laptop: Client;
  let bob: Client;
  let laptopId: number;

  it('removes it from the device list and PEP, keeping every other entry, and nobody encrypts to it any more', async () => {
    const aliceJid = jidOf(server, ALICE);
    const bobJid = jidOf(server, BOB);
    alice = await startClient(server, ALICE, dirs.make('alice'));
    laptop = await startClient(server, ALICE, dirs.make('alice-laptop'));
    bob = await startClient(server, BOB, dirs.make('bob'));
    clients.push(alice, laptop, bob);
    laptopId = laptop.engine.deviceId;
    // A third entry, written by another client: it must survive the removal, label and all.
    const listed = await fetchDeviceList(alice.transport);
    await publishDeviceList(alice.transport, [...listed, OTHER_CLIENT]);
    await waitFor(() => alice.engine.devices(aliceJid).some((d) => d.deviceId === laptopId && d.active), 10_000, 'the laptop in alice’s list');

    // Before: bob and alice's first device both encrypt to the laptop.
    await bob.engine.refreshDevices(aliceJid);
    expect(deviceIds(await bob.engine.send(aliceJid, 'before'))).toContain(laptopId);
    expect(deviceIds(await alice.engine.send(bobJid, 'before, from alice'))).toContain(laptopId);

    // The laptop is lost: it is offline (online, it would list itself again at once — OMEMO's model).
    await laptop.stop();
    await alice.engine.removeOwnDevice(laptopId);

    const published = await fetchDeviceList(alice.transport);
    expect(published.map((e) => e.id)).not.toContain(laptopId);
    expect(published).toContainEqual({ id: alice.engine.deviceId });
    expect(published).toContainEqual(OTHER_CLIENT);
    expect(published).toHaveLength(2);
    expect(await fetchBundle(alice.transport, aliceJid, laptopId)).toBeUndefined();
    expect(await fetchBundle(alice.transport, aliceJid, alice.engine.deviceId)).toBeDefined();

    // This device stops encrypting to it right away, without asking the server again.
    expect(alice.engine.devices(aliceJid).find((d) => d.deviceId === laptopId)?.active).toBe(false);
    expect(deviceIds(await alice.engine.send(bobJid, 'after, from alice'))).not.toContain(laptopId);
    // A contact that fetches the list again leaves it out too.
    await bob.engine.refreshDevices(aliceJid);
    const toAlice = await bob.engine.send(aliceJid, 'after');
    expect(deviceIds(toAlice)).toEqual([alice.engine.deviceId]);
    await bob.engine.waitUntilSent(toAlice.id);
    await waitFor(() => alice.received.some((m) => m.id === toAlice.id), 15_000, 'alice receives on her remaining device');
  });

  it('refuses to remove this device itself, or a device that is not in the list, with typed errors', async () => {
    const before = await fetchDeviceList(alice.transport);
    const self = await rejection(alice.engine.removeOwnDevice(alice.engine.deviceId));
    expect(isMessagingError(self, 'not-allowed')).toBe(true);
    const gone = await rejection(alice.engine.removeOwnDevice(laptopId));
    expect(isMessagingError(gone, 'unknown-device')).toBe(true);
    const unknown = await rejection(alice.engine.removeOwnDevice(123_456));
    expect(isMessagingError(unknown, 'unknown-device')).toBe(true);
    expect(await fetchDeviceList(alice.transport)).toEqual(before);
  });
});
