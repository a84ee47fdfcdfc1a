/**
 * X3DH key agreement (Signal X3DH §3.3 and §3.4) with OMEMO's settings (XEP-0384 §4.2):
 * Curve25519/Ed25519, SHA-256, info from the wire format ("OMEMO X3DH" for OMEMO:2), a
 * one-time pre-key is mandatory, and AD = Encode(IK_A) || Encode(IK_B) where A actively
 * initiated and B passively accepted.
 */
import type { AsymmetricBackend, KeyPair } from './backend/types.js';
import { concatBytes, wipe } from './bytes.js';
import { CryptoError } from './errors.js';
import { identityX25519Private } from './identity.js';
import { hkdfSha256 } from './primitives.js';
import { randomElement } from './random.js';
import type { IdentityKeyFormat, KeyExchangeHeader } from './wire/wire-format.js';
import type { PreKeyStore, SignedPreKeyStore } from '../protocol/store.js';
import type { Bundle } from '../protocol/types.js';

/** The namespace-specific part of X3DH, taken from the WireFormat. */
export interface X3dhWire {
  readonly x3dhInfo: string;
  readonly identityKey: IdentityKeyFormat;
}

/** Our identity as X3DH needs it: the Ed25519 seed and public key. */
export interface X3dhIdentity {
  readonly identitySeed: Uint8Array;
  readonly identityPublic: Uint8Array;
}

export const SHARED_SECRET_LENGTH = 32;
/** "F is a byte sequence containing 32 0xFF bytes" for X25519 (Signal X3DH §2.2). */
const X25519_PREFIX = new Uint8Array(32).fill(0xff);
/** "HKDF salt = A zero-filled byte sequence with length equal to the hash output length" (X3DH §2.2). */
const ZERO_SALT = new Uint8Array(32);

/** KDF(KM) = HKDF(F || KM) with the 0xFF prefix and zero salt (Signal X3DH §2.2). */
function deriveSharedSecret(info: string, dhOutputs: Uint8Array[]): Uint8Array {
  const keyMaterial = concatBytes(X25519_PREFIX, ...dhOutputs);
  const secret = hkdfSha256(keyMaterial, ZERO_SALT, info, SHARED_SECRET_LENGTH);
  wipe(keyMaterial, ...dhOutputs);
  return secret;
}

export interface ActiveAgreement {
  readonly sharedSecret: Uint8Array;
  readonly associatedData: Uint8Array;
  /** What the key exchange tells Bob (ids, our wire-form identity key, ephemeral key). */
  readonly header: KeyExchangeHeader;
  /** Bob's signed pre-key: the first ratchet public key of the Double Ratchet. */
  readonly peerSignedPreKey: Uint8Array;
}

/** Alice's side (X3DH §3.3), from a bundle that validateBundle already accepted. */
export function x3dhActive(wire: X3dhWire, backend: AsymmetricBackend, own: X3dhIdentity, bundle: Bundle): ActiveAgreement {
  // "A random pk entry is selected" (XEP-0384 §5.4).
  const preKey = randomElement(bundle.preKeys);
  const ephemeral = backend.x25519GenerateKeyPair();
  const ownIdentityPrivate = identityX25519Private(own.identitySeed);
  const peerIdentity = wire.identityKey.toX25519(bundle.identityKey);
  const spk = bundle.signedPreKey.publicKey;
  try {
    const sharedSecret = deriveSharedSecret(wire.x3dhInfo, [
      backend.x25519(ownIdentityPrivate, spk), // DH1 = DH(IK_A, SPK_B)
      backend.x25519(ephemeral.privateKey, peerIdentity), // DH2 = DH(EK_A, IK_B)
      backend.x25519(ephemeral.privateKey, spk), // DH3 = DH(EK_A, SPK_B)
      backend.x25519(ephemeral.privateKey, preKey.publicKey), // DH4 = DH(EK_A, OPK_B)
    ]);
    const ownWireIdentity = wire.identityKey.fromEd25519(own.identityPublic);
    return {
      sharedSecret,
      associatedData: concatBytes(wire.identityKey.encode(ownWireIdentity), wire.identityKey.encode(bundle.identityKey)),
      header: { pkId: preKey.id, spkId: bundle.signedPreKey.id, ik: ownWireIdentity, ek: ephemeral.publicKey },
      peerSignedPreKey: spk.slice(),
    };
  } finally {
    wipe(ownIdentityPrivate, ephemeral.privateKey);
  }
}

export interface PassiveAgreement {
  readonly sharedSecret: Uint8Array;
  readonly associatedData: Uint8Array;
  /** Our signed pre-key pair the initiator used: our first ratchet key pair. */
  readonly signedPreKey: KeyPair;
  readonly preKeyId: number;
}

function lookUpKeys(store: PreKeyStore & SignedPreKeyStore, header: KeyExchangeHeader): { spk: KeyPair; opk: KeyPair } {
  const spk = store.getSignedPreKey(header.spkId);
  if (!spk) throw new CryptoError('unknown-signed-pre-key', `no signed pre-key with id ${header.spkId}`);
  const opk = store.getPreKey(header.pkId);
  // A one-time pre-key is consumed by the first key exchange naming it (XEP-0384 §5.6).
  if (!opk || opk.usedAt !== undefined) throw new CryptoError('unknown-pre-key', `no unused pre-key with id ${header.pkId}`);
  return {
    spk: { privateKey: spk.privateKey, publicKey: spk.publicKey },
    opk: { privateKey: opk.privateKey, publicKey: opk.publicKey },
  };
}

/**
 * Bob's side (X3DH §3.4). Reads the store, never writes it: marking the pre-key used is the
 * caller's job once the embedded message has authenticated.
 */
export function x3dhPassive(
  wire: X3dhWire,
  backend: AsymmetricBackend,
  own: X3dhIdentity,
  header: KeyExchangeHeader,
  store: PreKeyStore & SignedPreKeyStore,
): PassiveAgreement {
  const { spk, opk } = lookUpKeys(store, header);
  const peerIdentity = wire.identityKey.toX25519(header.ik);
  const ownIdentityPrivate = identityX25519Private(own.identitySeed);
  try {
    const sharedSecret = deriveSharedSecret(wire.x3dhInfo, [
      backend.x25519(spk.privateKey, peerIdentity), // DH1 = DH(IK_A, SPK_B)
      backend.x25519(ownIdentityPrivate, header.ek), // DH2 = DH(EK_A, IK_B)
      backend.x25519(spk.privateKey, header.ek), // DH3 = DH(EK_A, SPK_B)
      backend.x25519(opk.privateKey, header.ek), // DH4 = DH(EK_A, OPK_B)
    ]);
    const ownWireIdentity = wire.identityKey.fromEd25519(own.identityPublic);
    return {
      sharedSecret,
      associatedData: concatBytes(wire.identityKey.encode(header.ik), wire.identityKey.encode(ownWireIdentity)),
      signedPreKey: spk,
      preKeyId: header.pkId,
    };
  } finally {
    wipe(ownIdentityPrivate);
  }
}
