import { createPrivateKey, createPublicKey, diffieHellman, sign, verify, type KeyObject } from 'node:crypto';
import { CryptoError } from '../errors.js';
import { assertLength, isAllZero } from '../bytes.js';
import { pooledRandomBytes } from '../random-pool.js';
import type { AsymmetricBackend, KeyPair } from './types.js';

/*
 * OpenSSL through node:crypto. Raw keys go in and out through JWK: importing JWK is
 * about 3x faster than wrapping raw keys in DER/SPKI.
 */

const b64u = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
const unb64u = (text: string | undefined): Uint8Array => new Uint8Array(Buffer.from(text ?? '', 'base64url'));

type Curve = 'X25519' | 'Ed25519';

/*
 * Imported keys are kept in small LRUs keyed by curve and encoded key. Importing a private key
 * costs as much as a DH (OpenSSL derives the public half), and a ratchet key pair is used for
 * two DH operations; a peer's new ratchet key is used twice in one DH ratchet step, and a
 * bundle's signed pre-key twice in X3DH. The caches stay small on purpose: every KeyObject
 * carries a native handle the garbage collector must finalize, and one that lives long enough
 * to be promoted to the old generation costs far more than one that dies young (ping-pong
 * throughput ~3,900 msgs/s with 512 private entries, ~4,800 with 64). The caches hold nothing
 * the caller does not hold.
 */
class KeyCache {
  private readonly entries = new Map<string, KeyObject>();
  constructor(private readonly size: number) {}

  get(id: string, create: () => KeyObject): KeyObject {
    const cached = this.entries.get(id);
    if (cached) return cached;
    const key = create();
    this.entries.set(id, key);
    if (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
    return key;
  }
}

const publicCache = new KeyCache(16);
const privateCache = new KeyCache(64);

function publicObject(crv: Curve, publicKey: Uint8Array): KeyObject {
  const x = b64u(publicKey);
  return publicCache.get(crv + x, () => {
    try {
      return createPublicKey({ key: { kty: 'OKP', crv, x }, format: 'jwk' });
    } catch {
      throw new CryptoError('invalid-key', `not a valid ${crv} public key`);
    }
  });
}

// Node's JWK importer insists on 'x' but OpenSSL derives the public half from 'd' and
// ignores the given one (checked in backend.test.ts), so a fixed placeholder is enough.
const PLACEHOLDER_X = b64u(new Uint8Array(32).fill(9));

function privateObject(crv: Curve, privateKey: Uint8Array): KeyObject {
  const d = b64u(privateKey);
  return privateCache.get(crv + d, () => createPrivateKey({ key: { kty: 'OKP', crv, d, x: PLACEHOLDER_X }, format: 'jwk' }));
}

/** The private key's JWK export carries the public half OpenSSL derived on import. */
function derivePublic(crv: Curve, privateKey: Uint8Array): Uint8Array {
  return unb64u(privateObject(crv, privateKey).export({ format: 'jwk' }).x);
}

/*
 * Key pairs come from 32 random bytes plus one import, not from generateKeyPairSync: on
 * Node 20.20 a garbage collection during the JWK export of a freshly generated key can
 * deadlock the process (the key-generation job's destructor waits on a lock the export holds;
 * seen in about one of four 10,000-step ping-pong runs). Import + derive costs the same and
 * leaves the private KeyObject cached for the DH operations that follow.
 */
function generate(crv: Curve): KeyPair {
  const privateKey = pooledRandomBytes(32);
  return { privateKey, publicKey: derivePublic(crv, privateKey) };
}

export const nodeBackend: AsymmetricBackend = {
  name: 'node',
  x25519GenerateKeyPair: () => generate('X25519'),
  x25519PublicKey(privateKey) {
    assertLength(privateKey, 32, 'X25519 private key');
    return derivePublic('X25519', privateKey);
  },
  x25519(privateKey, publicKey) {
    assertLength(privateKey, 32, 'X25519 private key');
    assertLength(publicKey, 32, 'X25519 public key');
    const priv = privateObject('X25519', privateKey);
    let shared: Buffer;
    try {
      shared = diffieHellman({ privateKey: priv, publicKey: publicObject('X25519', publicKey) });
    } catch {
      throw new CryptoError('weak-key', 'X25519 produced no usable shared secret (low-order public key)');
    }
    const out = new Uint8Array(shared.buffer, shared.byteOffset, shared.byteLength);
    if (isAllZero(out)) throw new CryptoError('weak-key', 'X25519 produced an all-zero shared secret');
    return out;
  },
  ed25519GenerateKeyPair: () => generate('Ed25519'),
  ed25519PublicKey(seed) {
    assertLength(seed, 32, 'Ed25519 seed');
    return derivePublic('Ed25519', seed);
  },
  ed25519Sign(seed, message) {
    assertLength(seed, 32, 'Ed25519 seed');
    const sig = sign(null, message, privateObject('Ed25519', seed));
    return new Uint8Array(sig.buffer, sig.byteOffset, sig.byteLength);
  },
  ed25519Verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      return verify(null, message, publicObject('Ed25519', publicKey), signature);
    } catch {
      return false;
    }
  },
};
