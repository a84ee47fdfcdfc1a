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
 * The X25519 form of an Ed25519 public key is u = (1 + y) / (1 - y) (RFC 7748 §4.1), which
 * needs only the y-coordinate: one field inversion in noble's field arithmetic (~25 us here),
 * against ~95 us for decoding the whole point first (a square root) as noble's toMontgomery
 * does. Decoding the point would only prove that x exists; the DH does not need it, X25519 is
 * safe for any u (twist security, RFC 7748 §7), and the backends refuse an all-zero result.
 * Where a key must be a real point, isValidIdentityKey decodes it in full, and a bundle's key
 * is proven one by the Ed25519 signature it must carry. Non-canonical encodings (y >= p) and
 * y = 1 (no u) are refused here. The same long-term keys come back again and again (bundles,
 * X3DH on both sides, fingerprints), so results, public values only, stay in a small LRU.
 */
const CONVERSION_CACHE_SIZE = 1024;
const conversions = new Map<string, Uint8Array | null>();
const Fp = ed25519.Point.Fp;

function montgomeryU(identityPublic: Uint8Array): Uint8Array | null {
  const encoded = identityPublic.slice();
  encoded[31]! &= 0x7f; // the top bit is the sign of x, which u does not depend on
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(encoded[i]!);
  if (y >= Fp.ORDER || y === 1n) return null;
  return Fp.toBytes(Fp.div(Fp.add(Fp.ONE, y), Fp.sub(Fp.ONE, y)));
}

function convertIdentityKey(identityPublic: Uint8Array): Uint8Array | null {
  const id = Buffer.from(identityPublic.buffer, identityPublic.byteOffset, identityPublic.byteLength).toString('base64');
  let u = conversions.get(id);
  if (u === undefined) {
    u = montgomeryU(identityPublic);
    conversions.set(id, u);
    if (conversions.size > CONVERSION_CACHE_SIZE) conversions.delete(conversions.keys().next().value!);
  }
  return u === null ? null : u.slice();
}

/** The X25519 (Montgomery u-coordinate) form of an Ed25519 public key (see above). */
export function identityX25519Public(identityPublic: Uint8Array): Uint8Array {
  assertLength(identityPublic, 32, 'Ed25519 identity key');
  const u = convertIdentityKey(identityPublic);
  if (u === null) throw new CryptoError('invalid-key', 'identity key is not a valid Ed25519 point');
  return u;
}

/** True when the bytes decode to an Ed25519 point (a full, canonical decoding). */
export function isValidIdentityKey(identityPublic: Uint8Array): boolean {
  if (!(identityPublic instanceof Uint8Array) || identityPublic.length !== 32) return false;
  if (convertIdentityKey(identityPublic) === null) return false;
  try {
    ed25519.Point.fromBytes(identityPublic);
    return true;
  } catch {
    return false;
  }
}

/**
 * A fresh device id, uniform in 1..2^31-1 (XEP-0384 §5.3.1). The caller still checks the
 * account's device list for a collision before publishing it (XEP-0384 §6).
 */
export function generateDeviceId(): number {
  return randomIntBetween(MIN_KEY_ID, MAX_KEY_ID);
}
