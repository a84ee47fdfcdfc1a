import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { CryptoError } from '../errors.js';
import { assertLength, isAllZero } from '../bytes.js';
import type { AsymmetricBackend, KeyPair } from './types.js';

export const nobleBackend: AsymmetricBackend = {
  name: 'noble',
  x25519GenerateKeyPair(): KeyPair {
    const privateKey = x25519.utils.randomSecretKey();
    return { privateKey, publicKey: x25519.getPublicKey(privateKey) };
  },
  x25519PublicKey(privateKey) {
    assertLength(privateKey, 32, 'X25519 private key');
    return x25519.getPublicKey(privateKey);
  },
  x25519(privateKey, publicKey) {
    assertLength(privateKey, 32, 'X25519 private key');
    assertLength(publicKey, 32, 'X25519 public key');
    let shared: Uint8Array;
    try {
      shared = x25519.getSharedSecret(privateKey, publicKey);
    } catch {
      throw new CryptoError('weak-key', 'X25519 produced no usable shared secret (low-order public key)');
    }
    if (isAllZero(shared)) throw new CryptoError('weak-key', 'X25519 produced an all-zero shared secret');
    return shared;
  },
  ed25519GenerateKeyPair(): KeyPair {
    const privateKey = ed25519.utils.randomSecretKey();
    return { privateKey, publicKey: ed25519.getPublicKey(privateKey) };
  },
  ed25519PublicKey(seed) {
    assertLength(seed, 32, 'Ed25519 seed');
    return ed25519.getPublicKey(seed);
  },
  ed25519Sign(seed, message) {
    assertLength(seed, 32, 'Ed25519 seed');
    return ed25519.sign(message, seed);
  },
  ed25519Verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      return ed25519.verify(signature, message, publicKey);
    } catch {
      return false;
    }
  },
};
