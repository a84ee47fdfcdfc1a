/**
 * The fingerprint users compare (XEP-0384 §8): the identity key "in its byte-encoded
 * Curve25519 form", so OMEMO:2 and legacy OMEMO show the same fingerprint for the same
 * key, as lowercase hex split into 8 groups of 8 characters (python-omemo's
 * format_identity_key gives the same groups).
 */
import { equalBytes } from './bytes.js';
import { identityX25519Public } from './identity.js';

const GROUP_LENGTH = 8;
const KEY_HEX_LENGTH = 64;
/** Legacy OMEMO and libsignal prefix Curve25519 keys with a type byte 0x05; some clients show it. */
const LEGACY_TYPE_PREFIX = '05';

const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** The 8 groups of 8 lowercase hex characters of an Ed25519 identity key's fingerprint. */
export function fingerprintGroups(identityKey: Uint8Array): string[] {
  const hex = toHex(identityX25519Public(identityKey));
  const groups: string[] = [];
  for (let i = 0; i < hex.length; i += GROUP_LENGTH) groups.push(hex.slice(i, i + GROUP_LENGTH));
  return groups;
}

/** e.g. "761d88ec 83041391 …": the groups joined with single spaces. */
export function formatFingerprint(identityKey: Uint8Array): string {
  return fingerprintGroups(identityKey).join(' ');
}

/** Parses a fingerprint as typed or pasted (any case, spaces, colons or dashes, optional 05 prefix). */
export function parseFingerprint(text: string): Uint8Array | undefined {
  let hex = text.toLowerCase().replace(/[\s:-]/g, '');
  if (hex.length === KEY_HEX_LENGTH + LEGACY_TYPE_PREFIX.length && hex.startsWith(LEGACY_TYPE_PREFIX)) {
    hex = hex.slice(LEGACY_TYPE_PREFIX.length);
  }
  if (hex.length !== KEY_HEX_LENGTH || !/^[0-9a-f]+$/.test(hex)) return undefined;
  const bytes = new Uint8Array(KEY_HEX_LENGTH / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** True when `text` is the fingerprint of `identityKey` (however it was grouped or cased). */
export function fingerprintMatches(identityKey: Uint8Array, text: string): boolean {
  const parsed = parseFingerprint(text);
  return parsed !== undefined && equalBytes(parsed, identityX25519Public(identityKey));
}
