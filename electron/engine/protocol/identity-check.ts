/**
 * A device's identity key never changes silently. The first key seen for an address is
 * recorded; a different one later is reported as CryptoError('identity-changed') so the
 * messaging layer can ask the user (trust decisions are outside the protocol core).
 */
import { equalBytes } from '../crypto/bytes.js';
import { CryptoError } from '../crypto/errors.js';
import type { DeviceAddress, IdentityStore } from './store.js';

export function assertKnownIdentity(store: IdentityStore, address: DeviceAddress, identityKey: Uint8Array): void {
  const known = store.getRemoteIdentity(address);
  if (known && !equalBytes(known, identityKey)) {
    throw new CryptoError('identity-changed', `device ${address.deviceId} of ${address.jid} presents a different identity key`);
  }
}

/** Records the identity key on first contact (after assertKnownIdentity accepted it). */
export function rememberIdentity(store: IdentityStore, address: DeviceAddress, identityKey: Uint8Array): void {
  if (!store.getRemoteIdentity(address)) store.saveRemoteIdentity(address, identityKey);
}
