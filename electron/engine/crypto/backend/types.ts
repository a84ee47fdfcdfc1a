/**
 * The asymmetric primitives the protocol needs, behind one small interface so that
 * Node can run them on OpenSSL (node:crypto, ~15-30x faster for X25519/Ed25519)
 * while noble stays the portable reference and fallback. Both must give identical
 * results for the same keys (proved in backend.test.ts).
 *
 * Keys are raw bytes everywhere: X25519 private/public 32 bytes; Ed25519 private is the
 * 32-byte seed (RFC 8032), public 32 bytes, signatures 64 bytes.
 */
export interface KeyPair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export interface AsymmetricBackend {
  readonly name: 'node' | 'noble';
  x25519GenerateKeyPair(): KeyPair;
  x25519PublicKey(privateKey: Uint8Array): Uint8Array;
  /** X25519 shared secret. Throws CryptoError('weak-key') if the result is all zero (low-order peer key). */
  x25519(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array;
  ed25519GenerateKeyPair(): KeyPair;
  ed25519PublicKey(seed: Uint8Array): Uint8Array;
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}
