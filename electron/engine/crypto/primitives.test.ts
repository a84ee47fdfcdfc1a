import { cbc } from '@noble/ciphers/aes.js';
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { CryptoError } from './errors.js';
import { aesCbcDecrypt, aesCbcEncrypt, hkdfSha256, hmacSha256, randomBytes } from './primitives.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

describe('symmetric primitives', () => {
  it('HKDF-SHA-256 matches RFC 5869 test case 1', () => {
    const okm = hkdfSha256(unhex('0b'.repeat(22)), unhex('000102030405060708090a0b0c'), unhex('f0f1f2f3f4f5f6f7f8f9'), 42);
    expect(hex(okm)).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  });

  it('HKDF-SHA-256 matches RFC 5869 test case 3 (empty salt and info)', () => {
    const okm = hkdfSha256(unhex('0b'.repeat(22)), new Uint8Array(0), new Uint8Array(0), 42);
    expect(hex(okm)).toBe('8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8');
  });

  it('node:crypto HMAC and HKDF give the same bytes as noble on random inputs', () => {
    for (let i = 0; i < 50; i++) {
      const key = randomBytes(1 + i);
      const a = randomBytes(i * 3);
      const b = randomBytes(7);
      expect(hmacSha256(key, a, b)).toEqual(nobleHmac(sha256, key, Uint8Array.of(...a, ...b)));
      const salt = i % 5 === 0 ? new Uint8Array(0) : randomBytes(32);
      const info = randomBytes(i % 30);
      expect(hkdfSha256(a, salt, info, 1 + i * 3)).toEqual(nobleHkdf(sha256, a, salt, info, 1 + i * 3));
    }
  });

  it('AES-CBC round-trips and reports bad padding as a typed error', () => {
    const key = randomBytes(32);
    const iv = randomBytes(16);
    const plaintext = randomBytes(100);
    const ciphertext = aesCbcEncrypt(key, iv, plaintext);
    expect(ciphertext.length).toBe(112);
    expect(aesCbcDecrypt(key, iv, ciphertext)).toEqual(plaintext);
    expect(() => aesCbcDecrypt(key, iv, ciphertext.subarray(0, 50))).toThrow(CryptoError); // not whole blocks
    expect(() => aesCbcDecrypt(key, iv, new Uint8Array(0))).toThrow(CryptoError);
    // A last block ending in 0x00 is never valid PKCS#7 padding.
    const badPadding = cbc(key, iv, { disablePadding: true }).encrypt(new Uint8Array(16));
    expect(() => aesCbcDecrypt(key, iv, badPadding)).toThrowError(expect.objectContaining({ code: 'malformed' }));
  });

  it('node:crypto AES-CBC gives the same bytes as noble for AES-128 and AES-256', () => {
    for (let i = 0; i < 40; i++) {
      const key = randomBytes(i % 2 === 0 ? 32 : 16);
      const iv = randomBytes(16);
      const plaintext = randomBytes(i * 5);
      const ciphertext = aesCbcEncrypt(key, iv, plaintext);
      expect(ciphertext).toEqual(cbc(key, iv).encrypt(plaintext));
      expect(aesCbcDecrypt(key, iv, ciphertext)).toEqual(plaintext);
    }
    expect(() => aesCbcEncrypt(randomBytes(24), randomBytes(16), randomBytes(16))).toThrowError(
      expect.objectContaining({ code: 'invalid-key' }),
    );
  });
});
