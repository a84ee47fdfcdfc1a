/**
 * Everything that differs between OMEMO namespaces, in one object. The X3DH, the Double
 * Ratchet and the session layer are written once against this interface; OMEMO:2
 * (`urn:xmpp:omemo:2`, omemo2/) implements it now, legacy OMEMO 0.3
 * (`eu.siacs.conversations.axolotl`) can implement it next to it later.
 */
import type { AsymmetricBackend } from '../backend/types.js';
import type { RatchetParams } from '../ratchet/types.js';

/** The X3DH data a key exchange names (XEP-0384 §10, OMEMOKeyExchange without its message). */
export interface KeyExchangeHeader {
  /** Id of the one-time pre-key the initiator used. */
  readonly pkId: number;
  /** Id of the signed pre-key the initiator used. */
  readonly spkId: number;
  /** The initiator's identity key, in the namespace's wire form. */
  readonly ik: Uint8Array;
  /** The initiator's ephemeral X25519 public key. */
  readonly ek: Uint8Array;
}

/** A key exchange together with the first (or a repeated) ratchet message. */
export interface KeyExchange extends KeyExchangeHeader {
  /** The embedded ratchet message (OMEMOAuthenticatedMessage in OMEMO:2). */
  readonly message: Uint8Array;
}

/** How the namespace encodes, converts and signs with identity keys (XEP-0384 §4.2). */
export interface IdentityKeyFormat {
  /** Our own Ed25519 identity public key in the form this namespace transfers (`<ik>`, key exchanges). */
  fromEd25519(ed25519Public: Uint8Array): Uint8Array;
  /** Encode(IK) of a wire-form identity key, as concatenated into the associated data. */
  encode(identityPublic: Uint8Array): Uint8Array;
  /** True when the bytes are a usable identity key of this namespace. */
  isValid(identityPublic: Uint8Array): boolean;
  /** The X25519 public form of a (remote) identity key, for DH. Throws CryptoError('invalid-key'). */
  toX25519(identityPublic: Uint8Array): Uint8Array;
  /** Sig(IK, Encode(SPK)) with our own identity. */
  signSignedPreKey(backend: AsymmetricBackend, identitySeed: Uint8Array, signedPreKeyPublic: Uint8Array): Uint8Array;
  verifySignedPreKey(
    backend: AsymmetricBackend,
    identityPublic: Uint8Array,
    signedPreKeyPublic: Uint8Array,
    signature: Uint8Array,
  ): boolean;
}

/** The payload encrypted once per message, and the key material each device's ratchet carries. */
export interface SealedPayload {
  readonly payload: Uint8Array;
  /** What the ratchet encrypts for every recipient device (OMEMO:2: key || truncated mac). */
  readonly keyMaterial: Uint8Array;
}

export interface PayloadCipher {
  encrypt(plaintext: Uint8Array): SealedPayload;
  /** Verify (constant time), then decrypt. Throws CryptoError('bad-mac' | 'malformed'). */
  decrypt(keyMaterial: Uint8Array, payload: Uint8Array): Uint8Array;
  /** The key material of an empty OMEMO message, which has no payload (XEP-0384 §5.5.3). */
  emptyKeyMaterial(): Uint8Array;
}

export interface KeyExchangeCodec {
  encode(keyExchange: KeyExchange): Uint8Array;
  /** Throws CryptoError('malformed'). */
  decode(bytes: Uint8Array): KeyExchange;
}

export interface WireFormat {
  /** The XML namespace of the `<encrypted>` element, e.g. 'urn:xmpp:omemo:2'. */
  readonly namespace: string;
  /** HKDF info of the X3DH key derivation. */
  readonly x3dhInfo: string;
  readonly identityKey: IdentityKeyFormat;
  readonly payload: PayloadCipher;
  readonly keyExchange: KeyExchangeCodec;
  /** The Double Ratchet parameters (KDF infos, message AEAD, skip limits). */
  ratchetParams(backend: AsymmetricBackend): RatchetParams;
}
