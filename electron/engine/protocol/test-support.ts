/** Helpers for the session-layer tests: devices on memory stores, delivery, store snapshots. */
import type { AsymmetricBackend } from '../crypto/backend/types.js';
import { nodeBackend } from '../crypto/backend/index.js';
import { omemo2Wire } from '../crypto/wire/omemo2/index.js';
import type { ProtocolContext } from './context.js';
import { decryptMessage, type DecryptResult } from './decrypt.js';
import { createDevice } from './device.js';
import { encryptMessage } from './encrypt.js';
import { MemoryProtocolStore } from './memory-store.js';
import type { DeviceAddress } from './store.js';
import type { EncryptedKey, EncryptedMessage } from './types.js';

export interface TestDevice {
  readonly ctx: ProtocolContext;
  readonly store: MemoryProtocolStore;
  readonly address: DeviceAddress;
  readonly clock: { now: number };
}

export const START_TIME = 1_700_000_000_000;

export function newDevice(jid: string, backend: AsymmetricBackend = nodeBackend, preKeyCount = 100): TestDevice {
  const store = new MemoryProtocolStore();
  const clock = { now: START_TIME };
  const ctx: ProtocolContext = { store, wire: omemo2Wire, backend, now: () => clock.now };
  const own = createDevice(ctx, { jid, preKeyCount });
  return { ctx, store, clock, address: { jid, deviceId: own.deviceId } };
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (bytes: Uint8Array | null): string | null => (bytes === null ? null : new TextDecoder().decode(bytes));

export function keyFor(message: EncryptedMessage, address: DeviceAddress): EncryptedKey {
  const key = message.keys.find((k) => k.address.jid === address.jid && k.address.deviceId === address.deviceId);
  if (!key) throw new Error(`message has no key for ${address.jid}/${address.deviceId}`);
  return key;
}

export function send(from: TestDevice, body: string | null, to: readonly TestDevice[]): EncryptedMessage {
  return encryptMessage(from.ctx, body === null ? null : utf8(body), to.map((d) => d.address));
}

export function receive(device: TestDevice, message: EncryptedMessage): DecryptResult {
  return decryptMessage(device.ctx, message.sender, keyFor(message, device.address), message.payload);
}

/** Everything a device's store holds about its keys and the given peers, as comparable text. */
export function snapshot(device: TestDevice, peers: readonly DeviceAddress[]): string {
  const hex = (b: Uint8Array | undefined) => (b === undefined ? null : Buffer.from(b).toString('hex'));
  const { store } = device;
  return JSON.stringify({
    preKeys: store
      .listPreKeys()
      .sort((a, b) => a.id - b.id)
      .map((k) => [k.id, hex(k.publicKey), k.usedAt ?? null]),
    signedPreKeys: store
      .listSignedPreKeys()
      .sort((a, b) => a.id - b.id)
      .map((k) => [k.id, hex(k.publicKey), k.retiredAt ?? null]),
    peers: peers.map((p) => [hex(store.loadSession(p)), hex(store.getRemoteIdentity(p))]),
  });
}
