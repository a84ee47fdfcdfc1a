import { describe, expect, it } from 'vitest';
import { nobleBackend } from './backend/index.js';
import { fingerprintGroups, fingerprintMatches, formatFingerprint, parseFingerprint } from './fingerprint.js';

// Identity of seed 07…07; its Curve25519 form from python3-xeddsa (what python-omemo's format_identity_key shows).
const identityKey = nobleBackend.ed25519PublicKey(new Uint8Array(32).fill(7));
const CURVE_HEX = '761d88ec830413919dfe9d4d1d56f17e653c8c994082df5b137b90a0ae6edf74';

describe('fingerprints', () => {
  it('shows the Curve25519 form of the identity key as 8 groups of 8 lowercase hex characters', () => {
    const groups = fingerprintGroups(identityKey);
    expect(groups).toHaveLength(8);
    for (const g of groups) expect(g).toMatch(/^[0-9a-f]{8}$/);
    expect(groups.join('')).toBe(CURVE_HEX);
    expect(formatFingerprint(identityKey)).toBe(
      '761d88ec 83041391 9dfe9d4d 1d56f17e 653c8c99 4082df5b 137b90a0 ae6edf74',
    );
  });

  it('matches a fingerprint however it was typed, with or without the legacy 05 prefix', () => {
    expect(fingerprintMatches(identityKey, formatFingerprint(identityKey))).toBe(true);
    expect(fingerprintMatches(identityKey, CURVE_HEX.toUpperCase())).toBe(true);
    expect(fingerprintMatches(identityKey, `05${CURVE_HEX}`)).toBe(true);
    expect(fingerprintMatches(identityKey, CURVE_HEX.match(/../g)!.join(':'))).toBe(true);
  });

  it('does not match a different key or a malformed string', () => {
    const other = nobleBackend.ed25519PublicKey(new Uint8Array(32).fill(8));
    expect(fingerprintMatches(other, CURVE_HEX)).toBe(false);
    expect(fingerprintMatches(identityKey, CURVE_HEX.slice(0, 62))).toBe(false);
    expect(parseFingerprint(`${CURVE_HEX.slice(0, 63)}g`)).toBeUndefined();
  });
});
