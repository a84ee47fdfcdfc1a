import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import { newTestStore, tempDirs } from './test-support.js';

const dirs = tempDirs();
let store: Store;
beforeEach(async () => {
  store = await newTestStore(dirs.make());
});
afterEach(() => {
  store.close();
  dirs.cleanup();
});

const juliet = 'juliet@capulet.example';

describe('devices', () => {
  it('records a device list: new devices undecided, missing ones inactive but kept with their trust', () => {
    store.devices.applyDeviceList(juliet, [1, 2], 'omemo:2', 100);
    store.devices.setTrust({ jid: juliet, deviceId: 2 }, 'verified');
    store.devices.applyDeviceList(juliet, [1, 3], 'omemo:2', 200);
    const devices = store.devices.listForJid(juliet);
    expect(devices.map((d) => [d.deviceId, d.active, d.trust])).toEqual([
      [1, true, 'undecided'],
      [2, false, 'verified'],
      [3, true, 'undecided'],
    ]);
    expect(devices[0]).toMatchObject({ firstSeen: 100, lastSeen: 200, protocol: 'omemo:2' });
  });

  it('remembers which OMEMO version a device speaks and its label', () => {
    store.devices.recordSeen({ jid: juliet, deviceId: 5 }, { protocol: 'omemo:0.3', label: 'Conversations', at: 10 });
    store.devices.recordSeen({ jid: juliet, deviceId: 5 }, { protocol: 'omemo:0.3', at: 5 });
    expect(store.devices.get({ jid: juliet, deviceId: 5 })).toMatchObject({ protocol: 'omemo:0.3', label: 'Conversations', firstSeen: 10, lastSeen: 10 });
  });

  it('asks for trust again when a known device presents a different identity key', () => {
    const address = { jid: juliet, deviceId: 1 };
    expect(store.devices.saveIdentityKey(address, new Uint8Array(32).fill(1), 10)).toBe(false);
    store.devices.setTrust(address, 'trusted');
    expect(store.devices.saveIdentityKey(address, new Uint8Array(32).fill(1), 11)).toBe(false);
    expect(store.devices.get(address)?.trust).toBe('trusted');
    expect(store.devices.saveIdentityKey(address, new Uint8Array(32).fill(2), 12)).toBe(true);
    expect(store.devices.get(address)).toMatchObject({ trust: 'undecided', identityKey: new Uint8Array(32).fill(2) });
  });
});
