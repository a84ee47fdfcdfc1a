/**
 * ProtocolStore in memory, for unit tests and the headless tools. Everything is copied on the
 * way in and out, so a caller that mutates what it got back cannot change the store (and a
 * test can catch code that mutates state it should treat as read-only).
 */
import {
  addressKey,
  type DeviceAddress,
  type OwnIdentity,
  type ProtocolStore,
  type StoredPreKey,
  type StoredSignedPreKey,
} from './store.js';

const copyIdentity = (i: OwnIdentity): OwnIdentity => ({
  ...i,
  identitySeed: i.identitySeed.slice(),
  identityPublic: i.identityPublic.slice(),
});
const copyPreKey = (k: StoredPreKey): StoredPreKey => ({ ...k, privateKey: k.privateKey.slice(), publicKey: k.publicKey.slice() });
const copySignedPreKey = (k: StoredSignedPreKey): StoredSignedPreKey => ({
  ...k,
  privateKey: k.privateKey.slice(),
  publicKey: k.publicKey.slice(),
  signature: k.signature.slice(),
});

export class MemoryProtocolStore implements ProtocolStore {
  private ownIdentity: OwnIdentity | undefined;
  private readonly remoteIdentities = new Map<string, Uint8Array>();
  private readonly preKeys = new Map<number, StoredPreKey>();
  private readonly signedPreKeys = new Map<number, StoredSignedPreKey>();
  private readonly sessions = new Map<string, { address: DeviceAddress; record: Uint8Array }>();

  getOwnIdentity(): OwnIdentity | undefined {
    return this.ownIdentity && copyIdentity(this.ownIdentity);
  }

  saveOwnIdentity(identity: OwnIdentity): void {
    this.ownIdentity = copyIdentity(identity);
  }

  getRemoteIdentity(address: DeviceAddress): Uint8Array | undefined {
    return this.remoteIdentities.get(addressKey(address))?.slice();
  }

  saveRemoteIdentity(address: DeviceAddress, identityPublic: Uint8Array): void {
    this.remoteIdentities.set(addressKey(address), identityPublic.slice());
  }

  getPreKey(id: number): StoredPreKey | undefined {
    const key = this.preKeys.get(id);
    return key && copyPreKey(key);
  }

  listPreKeys(): StoredPreKey[] {
    return [...this.preKeys.values()].map(copyPreKey);
  }

  savePreKey(preKey: StoredPreKey): void {
    this.preKeys.set(preKey.id, copyPreKey(preKey));
  }

  markPreKeyUsed(id: number, at: number): void {
    const key = this.preKeys.get(id);
    if (key) this.preKeys.set(id, { ...key, usedAt: at });
  }

  deletePreKey(id: number): void {
    this.preKeys.delete(id);
  }

  getSignedPreKey(id: number): StoredSignedPreKey | undefined {
    const key = this.signedPreKeys.get(id);
    return key && copySignedPreKey(key);
  }

  listSignedPreKeys(): StoredSignedPreKey[] {
    return [...this.signedPreKeys.values()].map(copySignedPreKey);
  }

  saveSignedPreKey(key: StoredSignedPreKey): void {
    this.signedPreKeys.set(key.id, copySignedPreKey(key));
  }

  deleteSignedPreKey(id: number): void {
    this.signedPreKeys.delete(id);
  }

  loadSession(address: DeviceAddress): Uint8Array | undefined {
    return this.sessions.get(addressKey(address))?.record.slice();
  }

  saveSession(address: DeviceAddress, record: Uint8Array): void {
    this.sessions.set(addressKey(address), { address: { jid: address.jid, deviceId: address.deviceId }, record: record.slice() });
  }

  deleteSession(address: DeviceAddress): void {
    this.sessions.delete(addressKey(address));
  }

  listSessionDevices(jid: string): number[] {
    return [...this.sessions.values()].filter((s) => s.address.jid === jid).map((s) => s.address.deviceId);
  }
}
