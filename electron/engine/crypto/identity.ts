/**
 * A device's long-term identity key: an Ed25519 key pair (XEP-0384 §4.2, "Libraries can use
 * an Ed25519 key pair as their internal IdentityKey"), converted to its X25519 form with the
 * birational map (RFC 7748 p. 5) whenever X3DH needs a Diffie-Hellman with it.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { AsymmetricBackend } from './backend/types.js';
import { assertLength } from './bytes.js';
import { CryptoError } from './errors.js';
import { MAX_KEY_ID, MIN_KEY_ID } from './limits.js';
import { randomIntBetween } from './random.js';

export interface IdentityKeyPair {
  /** Ed25519 seed (RFC 8032 private key). Secret. */
  readonly seed: Uint8Array;
  /** Ed25519 public key: what bundles and key exchanges carry (`<ik>`). */
  readonly publicKey: Uint8Array;
}

export function generateIdentityKeyPair(backend: AsymmetricBackend): IdentityKeyPair {
  const { privateKey, publicKey } = backend.ed25519GenerateKeyPair();
  return { seed: privateKey, publicKey };
}

/**
 * The X25519 private key of an Ed25519 identity: the clamped first half of SHA-512(seed),
 * the same scalar Ed25519 signs with (libsodium's crypto_sign_ed25519_sk_to_curve25519).
 */
export function identityX25519Private(seed: Uint8Array): Uint8Array {
  assertLength(seed, 32, 'Ed25519 seed');
  return ed25519.utils.toMontgomerySecret(seed);
}

/*
 * Converting an Ed25519 public key decodes the point (a square root and an inversion in
 * pure-JS field arithmetic, ~0.3 ms here), and the same long-term identity keys are converted
 * again and again (bundle validation, X3DH on both sides, fingerprints). So the results —
 * public values only — are kept in a small LRU.
 */
const CONVERSION_CACHE_SIZE = 1024;
const conversions = new Map<string, Uint8Array | null>();

function convertIdentityKey(identityPublic: Uint8Array): Uint8Array | null {
  const id = Buffer.from(identityPublic.buffer, identityPublic.byteOffset, identityPublic.byteLength).toString('base64');
  let u = conversions.get(id);
  if (u === undefined) {
    try {
      u = ed25519.utils.toMontgomery(identityPublic);
    } catch {
      u = null;
    }
    conversions.set(id, u);
    if (conversions.size > CONVERSION_CACHE_SIZE) conversions.delete(conversions.keys().next().value!);
  }
  return u === null ? null : u.slice();
}

/** The X25519 (Montgomery u-coordinate) form of an Ed25519 public key. */
export function identityX25519Public(identityPublic: Uint8Array): Uint8Array {
  assertLength(identityPublic, 32, 'Ed25519 identity key');
  const u = convertIdentityKey(identityPublic);
  if (u === null) throw new CryptoError('invalid-key', 'identity key is not a valid Ed25519 point');
  return u;
}

/** True when the bytes decode to an Ed25519 point (and so have an X25519 form). */
export function isValidIdentityKey(identityPublic: Uint8Array): boolean {
  if (!(identityPublic instanceof Uint8Array) || identityPublic.length !== 32) return false;
  return convertIdentityKey(identityPublic) !== null;
}

/**
 * A fresh device id, uniform in 1..2^31-1 (XEP-0384 §5.3.1). The caller still checks the
 * account's device list for a collision before publishing it (XEP-0384 §6).
 */
export function generateDeviceId(): number {
  return randomIntBetween(MIN_KEY_ID, MAX_KEY_ID);
}
