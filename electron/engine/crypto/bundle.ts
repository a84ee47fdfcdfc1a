/**
 * A device's public bundle (XEP-0384 §5.3.2): built from our own store, and validated before
 * a key exchange uses someone else's (shape first, then the signature).
 */
import type { AsymmetricBackend } from './backend/types.js';
import { CryptoError } from './errors.js';
import { isValidKeyId } from './limits.js';
import { currentSignedPreKey, unusedPreKeys } from './prekeys.js';
import type { IdentityKeyFormat } from './wire/wire-format.js';
import { omemo2IdentityKey } from './wire/omemo2/identity-key.js';
import type { IdentityStore, PreKeyStore, SignedPreKeyStore } from '../protocol/store.js';
import type { Bundle } from '../protocol/types.js';

const X25519_PUBLIC_LENGTH = 32;
const SIGNATURE_LENGTH = 64;

export function bundleFromStore(store: IdentityStore & PreKeyStore & SignedPreKeyStore): Bundle {
  const identity = store.getOwnIdentity();
  if (!identity) throw new CryptoError('no-identity', 'this device has no identity yet');
  const signedPreKey = currentSignedPreKey(store.listSignedPreKeys());
  if (!signedPreKey) throw new CryptoError('unknown-signed-pre-key', 'this device has no current signed pre-key');
  return {
    deviceId: identity.deviceId,
    identityKey: identity.identityPublic.slice(),
    signedPreKey: {
      id: signedPreKey.id,
      publicKey: signedPreKey.publicKey.slice(),
      signature: signedPreKey.signature.slice(),
    },
    preKeys: unusedPreKeys(store).map((k) => ({ id: k.id, publicKey: k.publicKey.slice() })),
  };
}

function invalid(reason: string): never {
  throw new CryptoError('invalid-bundle', `bundle rejected: ${reason}`);
}

const isBytes = (value: unknown, length: number): value is Uint8Array =>
  value instanceof Uint8Array && value.length === length;

function hasX25519Form(identityKey: Uint8Array, keyFormat: IdentityKeyFormat): boolean {
  try {
    keyFormat.toX25519(identityKey);
    return true;
  } catch {
    return false;
  }
}

function checkShape(bundle: Bundle, keyFormat: IdentityKeyFormat): void {
  if (!isValidKeyId(bundle.deviceId)) invalid('device id out of range');
  // The cheap part of the identity key check; the signature check proves it is a point.
  if (!hasX25519Form(bundle.identityKey, keyFormat)) invalid('identity key is not a valid public key');
  const spk = bundle.signedPreKey;
  if (!isValidKeyId(spk.id)) invalid('signed pre-key id out of range');
  if (!isBytes(spk.publicKey, X25519_PUBLIC_LENGTH)) invalid('signed pre-key must be 32 bytes');
  if (!isBytes(spk.signature, SIGNATURE_LENGTH)) invalid('signed pre-key signature must be 64 bytes');
  // "All key exchanges MUST use a PreKey" (XEP-0384 §4.2), so a bundle without one is useless.
  if (bundle.preKeys.length === 0) invalid('no pre-keys');
  const ids = new Set<number>();
  for (const pk of bundle.preKeys) {
    if (!isValidKeyId(pk.id)) invalid('pre-key id out of range');
    if (ids.has(pk.id)) invalid('duplicate pre-key id');
    if (!isBytes(pk.publicKey, X25519_PUBLIC_LENGTH)) invalid('pre-key must be 32 bytes');
    ids.add(pk.id);
  }
}

/**
 * Throws CryptoError('invalid-bundle') for a malformed bundle and CryptoError('bad-signature')
 * when the signed pre-key is not signed by the bundle's identity key (XEP-0384 §4.2, Sig(IK, Encode(SPK))).
 */
export function validateBundle(
  bundle: Bundle,
  backend: AsymmetricBackend,
  keyFormat: IdentityKeyFormat = omemo2IdentityKey,
): void {
  checkShape(bundle, keyFormat);
  const { publicKey, signature } = bundle.signedPreKey;
  if (!keyFormat.verifySignedPreKey(backend, bundle.identityKey, publicKey, signature)) {
    // A verified signature implies the key decoded as a point; only a failure needs the
    // full (slower) decoding, to say which of the two is wrong.
    if (!keyFormat.isValid(bundle.identityKey)) invalid('identity key is not a valid public key');
    throw new CryptoError('bad-signature', 'signed pre-key signature does not verify');
  }
}
