/**
 * OMEMO:2 identity keys (XEP-0384 §4.2): always transferred in Ed25519 form, Encode(IK) is
 * the RFC 8032 encoding (the 32 raw bytes), and the signed pre-key signature is a plain
 * Ed25519 signature over the 32-byte X25519 public key (the little-endian u-coordinate,
 * RFC 7748) — python-omemo's twomemo encodes public keys as their raw bytes, too.
 */
import { identityX25519Public, isValidIdentityKey } from '../../identity.js';
import type { IdentityKeyFormat } from '../wire-format.js';

export const omemo2IdentityKey: IdentityKeyFormat = {
  fromEd25519: (ed25519Public) => ed25519Public.slice(),
  encode: (identityPublic) => identityPublic.slice(),
  isValid: isValidIdentityKey,
  toX25519: identityX25519Public,
  signSignedPreKey: (backend, identitySeed, signedPreKeyPublic) => backend.ed25519Sign(identitySeed, signedPreKeyPublic),
  verifySignedPreKey: (backend, identityPublic, signedPreKeyPublic, signature) =>
    signedPreKeyPublic.length === 32 && backend.ed25519Verify(identityPublic, signedPreKeyPublic, signature),
};
