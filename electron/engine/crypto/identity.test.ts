import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { nobleBackend, nodeBackend } from './backend/index.js';
import { generateDeviceId, generateIdentityKeyPair, identityX25519Private, identityX25519Public, isValidIdentityKey } from './identity.js';
import { MAX_KEY_ID, MIN_KEY_ID } from './limits.js';
import { randomIntBelow } from './random.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

describe('identity keys', () => {
  it('converts an Ed25519 identity to the same X25519 key pair python-omemo (xeddsa) derives', () => {
    // Vector from python3-xeddsa: seed_to_ed25519_pub / ed25519_pub_to_curve25519_pub / priv_to_curve25519_pub(seed_to_priv).
    const seed = new Uint8Array(32).fill(7);
    const edPublic = nobleBackend.ed25519PublicKey(seed);
    expect(hex(edPublic)).toBe('ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c');
    const curve = '761d88ec830413919dfe9d4d1d56f17e653c8c994082df5b137b90a0ae6edf74';
    expect(hex(identityX25519Public(edPublic))).toBe(curve);
    for (const backend of [nodeBackend, nobleBackend]) {
      expect(hex(backend.x25519PublicKey(identityX25519Private(seed)))).toBe(curve);
    }
  });

  it.each([nodeBackend, nobleBackend])('agrees on DH between converted identity keys ($name backend)', (backend) => {
    const alice = generateIdentityKeyPair(backend);
    const bob = generateIdentityKeyPair(backend);
    const ab = backend.x25519(identityX25519Private(alice.seed), identityX25519Public(bob.publicKey));
    const ba = backend.x25519(identityX25519Private(bob.seed), identityX25519Public(alice.publicKey));
    expect(hex(ab)).toBe(hex(ba));
  });

  it('maps y to u exactly as a full point decoding (noble toMontgomery) does', () => {
    for (let i = 0; i < 50; i++) {
      const { publicKey } = generateIdentityKeyPair(nobleBackend);
      expect(hex(identityX25519Public(publicKey))).toBe(hex(ed25519.utils.toMontgomery(publicKey)));
    }
  });

  it('refuses non-canonical encodings and y = 1, and tells a canonical y off the curve apart', () => {
    const p = (2n ** 255n - 19n).toString(16);
    const pLittleEndian = fromHex(p.padStart(64, '0')).reverse(); // y = p: the non-canonical 0
    expect(() => identityX25519Public(pLittleEndian)).toThrowError(expect.objectContaining({ code: 'invalid-key' }));
    const one = new Uint8Array(32);
    one[0] = 1;
    expect(() => identityX25519Public(one)).toThrowError(expect.objectContaining({ code: 'invalid-key' }));
    const offCurve = new Uint8Array(32);
    offCurve[0] = 2; // y = 2 has no x on edwards25519
    expect(isValidIdentityKey(offCurve)).toBe(false);
    expect(identityX25519Public(offCurve)).toHaveLength(32); // still has a u, which X25519 may use
  });

  it('rejects bytes that are not an Ed25519 point', () => {
    const notAPoint = fromHex('ff'.repeat(32));
    expect(isValidIdentityKey(notAPoint)).toBe(false);
    expect(() => identityX25519Public(notAPoint)).toThrowError(expect.objectContaining({ code: 'invalid-key' }));
    expect(isValidIdentityKey(new Uint8Array(31))).toBe(false);
  });
});

describe('device ids', () => {
  it('are integers in 1..2^31-1', () => {
    for (let i = 0; i < 1000; i++) {
      const id = generateDeviceId();
      expect(Number.isInteger(id)).toBe(true);
      expect(id).toBeGreaterThanOrEqual(MIN_KEY_ID);
      expect(id).toBeLessThanOrEqual(MAX_KEY_ID);
    }
  });

  it('draws random integers uniformly enough to reach every value of a small range', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(randomIntBelow(7));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
