import { afterEach, describe, expect, it } from 'vitest';
import type { Store, TrustState } from '../store/index.js';
import { newTestStore, tempDirs } from '../store/test-support.js';
import { isTrusted, settleDeviceTrust } from './trust.js';

const d = (trust: TrustState) => ({ trust });

describe('blind trust before verification', () => {
  it('trusts an undecided device while none of the contact is verified', () => {
    expect(isTrusted(d('undecided'), [d('undecided'), d('trusted')])).toBe(true);
  });

  it('stops trusting undecided devices once one device of the contact is verified', () => {
    expect(isTrusted(d('undecided'), [d('verified'), d('undecided')])).toBe(false);
    expect(isTrusted(d('trusted'), [d('verified'), d('trusted')])).toBe(true);
  });

  it('never trusts an untrusted device', () => {
    expect(isTrusted(d('untrusted'), [d('untrusted')])).toBe(false);
  });
});

describe('settling the trust of the device a message came from', () => {
  const dirs = tempDirs();
  let store: Store | undefined;
  afterEach(() => {
    store?.close();
    dirs.cleanup();
  });
  const juliet = 'juliet@capulet.example';
  const seen = (deviceId: number): void => store!.devices.recordSeen({ jid: juliet, deviceId }, { protocol: 'omemo:2', at: 1 });

  it('records blind trust for an undecided device, keeps decisions, and knows no unknown device', async () => {
    store = await newTestStore(dirs.make());
    seen(1);
    seen(2);
    store.devices.setTrust({ jid: juliet, deviceId: 2 }, 'untrusted');
    expect(settleDeviceTrust(store.devices, { jid: juliet, deviceId: 1 })).toBe(true);
    expect(store.devices.get({ jid: juliet, deviceId: 1 })?.trust).toBe('trusted');
    expect(settleDeviceTrust(store.devices, { jid: juliet, deviceId: 2 })).toBe(false);
    expect(settleDeviceTrust(store.devices, { jid: juliet, deviceId: 3 })).toBe(false);
  });

  it('does not trust a new device blindly once a sibling is verified', async () => {
    store = await newTestStore(dirs.make());
    seen(1);
    seen(2);
    store.devices.setTrust({ jid: juliet, deviceId: 1 }, 'verified');
    expect(settleDeviceTrust(store.devices, { jid: juliet, deviceId: 2 })).toBe(false);
    expect(store.devices.get({ jid: juliet, deviceId: 2 })?.trust).toBe('undecided');
    expect(settleDeviceTrust(store.devices, { jid: juliet, deviceId: 1 })).toBe(true);
  });
});
