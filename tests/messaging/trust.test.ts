import { beforeAll, describe, expect, it } from 'vitest';
import type { DevicesChanged } from '../../electron/engine/messaging/index.js';
import type { ProsodyServer } from '../../scripts/prosody/launcher.js';
import { BOB, CAROL, jidOf, startClient, useServer, waitFor } from './helpers.js';

const context = useServer();
const { dirs, clients } = context;
let server: ProsodyServer;
beforeAll(() => {
  server = context.server;
});

const ids = (devices: readonly { deviceId: number }[]): number[] => devices.map((d) => d.deviceId).sort();

describe('trust: blind trust before verification, verify, untrust', () => {
  it('uses new devices until one is verified, then only trusted ones, and marks messages from the others', async () => {
    const carol = await startClient(server, CAROL, dirs.make('carol'));
    const bob1 = await startClient(server, BOB, dirs.make('bob1'));
    clients.push(carol, bob1);
    const bobJid = jidOf(server, BOB);
    const carolJid = jidOf(server, CAROL);
    const changes: DevicesChanged[] = [];
    carol.engine.on('devices', (c) => changes.push(c));

    // Blind trust: a contact's devices are used without asking, new ones too.
    const first = await carol.engine.send(bobJid, 'one');
    expect(ids(first.devices)).toEqual([bob1.engine.deviceId]);
    const bob2 = await startClient(server, BOB, dirs.make('bob2'));
    clients.push(bob2);
    await carol.engine.refreshDevices(bobJid);
    expect(changes.some((c) => c.jid === bobJid && c.added.includes(bob2.engine.deviceId))).toBe(true);
    const second = await carol.engine.send(bobJid, 'two');
    expect(ids(second.devices)).toEqual(ids([bob1.engine, bob2.engine]));

    // Verifying one device ends blind trust: devices already in use stay, a new one is not used.
    carol.engine.setTrust(bobJid, bob1.engine.deviceId, 'verified');
    const bob3 = await startClient(server, BOB, dirs.make('bob3'));
    clients.push(bob3);
    const listed = await carol.engine.refreshDevices(bobJid);
    expect(listed.find((d) => d.deviceId === bob3.engine.deviceId)).toMatchObject({ trust: 'undecided', effectiveTrust: false });
    expect(listed.find((d) => d.deviceId === bob3.engine.deviceId)?.fingerprint).toMatch(/^([0-9a-f]{8} ){7}[0-9a-f]{8}$/);
    const third = await carol.engine.send(bobJid, 'three');
    expect(ids(third.devices)).toEqual(ids([bob1.engine, bob2.engine]));

    // A message from the device carol has not trusted arrives, marked.
    await bob3.engine.refreshDevices(carolJid);
    const fromBob3 = await bob3.engine.send(carolJid, 'from the new device');
    await waitFor(() => carol.received.some((m) => m.id === fromBob3.id), 15_000, 'carol receives from bob3');
    expect(carol.received.find((m) => m.id === fromBob3.id)).toMatchObject({ device: bob3.engine.deviceId, trusted: false, body: 'from the new device' });
    expect(carol.store.messages.get(fromBob3.id)?.stateReason).toBe('untrusted-device');

    // Explicit decisions: trust bob3, untrust bob2.
    carol.engine.setTrust(bobJid, bob3.engine.deviceId, 'trusted');
    carol.engine.setTrust(bobJid, bob2.engine.deviceId, 'untrusted');
    const fourth = await carol.engine.send(bobJid, 'four');
    expect(ids(fourth.devices)).toEqual(ids([bob1.engine, bob3.engine]));
    await waitFor(() => bob3.received.some((m) => m.id === fourth.id), 15_000, 'bob3 receives once trusted');
    await bob2.engine.settle();
    expect(bob2.received.some((m) => m.id === fourth.id)).toBe(false);
  });
});
