/**
 * Symmetric primitives, all from @noble (small calls are as fast as node:crypto here).
 * Thin named wrappers so the protocol code reads as the spec does.
 */
import { cbc } from '@noble/ciphers/aes.js';
import { randomBytes as nobleRandomBytes } from '@noble/ciphers/utils.js';
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { CryptoError } from './errors.js';

const encoder = new TextEncoder();

export const utf8 = (text: string): Uint8Array => encoder.encode(text);

export function randomBytes(length: number): Uint8Array {
  return nobleRandomBytes(length);
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(sha256, key, data);
}

/** HKDF-SHA-256 (RFC 5869). An empty salt means HashLen zero bytes, as the RFC says. */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array | string, length: number): Uint8Array {
  return nobleHkdf(sha256, ikm, salt, typeof info === 'string' ? utf8(info) : info, length);
}

export { sha256, sha512 };

/** AES-CBC with PKCS#7 padding; the key length picks AES-128 or AES-256. */
export function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return cbc(key, iv).encrypt(plaintext);
}

export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  try {
    return cbc(key, iv).decrypt(ciphertext);
  } catch {
    // Only reached after the MAC verified, so this is a peer bug, not an oracle.
    throw new CryptoError('malformed', 'ciphertext does not decrypt to valid padding');
  }
}
