/**
 * Symmetric primitives behind thin named wrappers, so the protocol code reads as the spec does.
 *
 * HMAC-SHA-256 and HKDF-SHA-256 run on node:crypto (OpenSSL): a message costs about ten HMACs
 * per side, and noble's pure-JS SHA-256 measured 4.8-7 us per small HMAC against 2.2-2.9 us on
 * node:crypto here, which alone kept the ratchet below its throughput target (figures from
 * `npm run bench`). AES-CBC and randomness stay on noble. primitives.test.ts proves both
 * implementations give identical bytes (and the RFC 5869 vectors).
 */
import { cbc } from '@noble/ciphers/aes.js';
import { randomBytes as nobleRandomBytes } from '@noble/ciphers/utils.js';
import { createHmac, hkdfSync } from 'node:crypto';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { CryptoError } from './errors.js';

const encoder = new TextEncoder();

export const utf8 = (text: string): Uint8Array => encoder.encode(text);

export function randomBytes(length: number): Uint8Array {
  return nobleRandomBytes(length);
}

const asBytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** HMAC-SHA-256(key, data[0] ‖ data[1] ‖ …), without concatenating the parts. */
export function hmacSha256(key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
  const mac = createHmac('sha256', key);
  for (const part of data) mac.update(part);
  return asBytes(mac.digest());
}

/** HKDF-SHA-256 (RFC 5869). An empty salt means HashLen zero bytes, as the RFC says. */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array | string, length: number): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', ikm, salt, typeof info === 'string' ? utf8(info) : info, length));
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
