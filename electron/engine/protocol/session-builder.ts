/**
 * Starting a session actively: X3DH from the peer's bundle (XEP-0384 §5.4), then the Double
 * Ratchet as Alice. The session carries its key exchange in every message until the peer
 * answers (XEP-0384 §6).
 */
import { validateBundle } from '../crypto/bundle.js';
import { wipe } from '../crypto/bytes.js';
import { CryptoError } from '../crypto/errors.js';
import { initActiveRatchet } from '../crypto/ratchet/index.js';
import { x3dhActive } from '../crypto/x3dh.js';
import { ratchetParamsOf, requireOwnIdentity, type ProtocolContext } from './context.js';
import { assertKnownIdentity, rememberIdentity } from './identity-check.js';
import { newActiveRecord, replacing } from './session-record.js';
import { loadSessionRecord, saveSessionRecord } from './session-storage.js';
import type { DeviceAddress } from './store.js';
import type { Bundle } from './types.js';

/**
 * Builds (or replaces) the session with `address` from its bundle; a replaced session stays
 * as the previous one, for what the peer still sends on it. Throws CryptoError
 * 'invalid-bundle' | 'bad-signature' | 'identity-changed' and then stores nothing.
 */
export function buildSession(ctx: ProtocolContext, address: DeviceAddress, bundle: Bundle): void {
  const own = requireOwnIdentity(ctx);
  validateBundle(bundle, ctx.backend, ctx.wire.identityKey);
  if (bundle.deviceId !== address.deviceId) {
    throw new CryptoError('invalid-bundle', 'bundle belongs to a different device id');
  }
  assertKnownIdentity(ctx.store, address, bundle.identityKey);
  const agreement = x3dhActive(ctx.wire, ctx.backend, own, bundle);
  const ratchet = initActiveRatchet(
    ratchetParamsOf(ctx),
    agreement.sharedSecret,
    agreement.peerSignedPreKey,
    agreement.associatedData,
  );
  wipe(agreement.sharedSecret);
  rememberIdentity(ctx.store, address, bundle.identityKey);
  const session = newActiveRecord(ratchet, agreement.header, bundle.identityKey.slice(), ctx.now());
  saveSessionRecord(ctx.store, address, replacing(session, loadSessionRecord(ctx.store, address)));
}

/**
 * Replaces a broken session with a fresh one from the device's current bundle (XEP-0384 §6:
 * clients MUST offer manual session replacement). Send an empty message right after, so
 * the peer learns of the new session before the user writes again.
 */
export function resetSession(ctx: ProtocolContext, address: DeviceAddress, bundle: Bundle): void {
  buildSession(ctx, address, bundle);
}
