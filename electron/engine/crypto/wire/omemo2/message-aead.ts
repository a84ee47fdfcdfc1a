/**
 * The OMEMO:2 message AEAD (XEP-0384 v0.9, "Double Ratchet": ENCRYPT/DECRYPT), byte-compatible with
 * python-twomemo's AEADImpl:
 *
 *   HKDF-SHA-256(ikm = message key, salt = 32 zero bytes, info = "OMEMO Message Key Material", 80)
 *     → 32-byte AES-256-CBC key ‖ 32-byte HMAC key ‖ 16-byte IV
 *   ciphertext = AES-256-CBC/PKCS#7(plaintext)
 *   message    = OMEMOMessage{n, pn, dh_pub, ciphertext} (serialized)
 *   mac        = HMAC-SHA-256(HMAC key, ad ‖ message)[0..16)
 *   wire       = OMEMOAuthenticatedMessage{mac, message}
 *
 * `ad` is the X3DH associated data IK_A ‖ IK_B (2 × 32 bytes). twomemo MACs exactly those 64
 * bytes followed by the serialized OMEMOMessage *including* the ciphertext, so any other AD
 * length could never interoperate and is refused.
 */
import { equalBytes, wipe } from '../../bytes.js';
import { CryptoError } from '../../errors.js';
import { aesCbcDecrypt, aesCbcEncrypt, hkdfSha256, hmacSha256, utf8 } from '../../primitives.js';
import type { MessageAead, RatchetHeader } from '../../ratchet/types.js';
import {
  MAC_LENGTH,
  decodeAuthenticatedMessage,
  decodeOmemoMessage,
  encodeAuthenticatedMessage,
  encodeOmemoMessage,
} from './proto.js';

/** HKDF info of the message key expansion (XEP-0384 v0.9 "Double Ratchet"; twomemo AEADImpl._get_info). */
export const MESSAGE_KEY_INFO = 'OMEMO Message Key Material';
const MESSAGE_KEY_INFO_BYTES = utf8(MESSAGE_KEY_INFO);
/** twomemo uses a zero-filled salt of the hash length (RFC 5869's default, spelled out). */
const MESSAGE_KEY_SALT = new Uint8Array(32);
const AES_KEY_LENGTH = 32;
const MAC_KEY_LENGTH = 32;
const IV_LENGTH = 16;
/** IK_A ‖ IK_B, both 32-byte Ed25519 keys (XEP-0384 v0.9 "X3DH" AD; twomemo IDENTITY_KEY_ENCODING_LENGTH × 2). */
export const ASSOCIATED_DATA_LENGTH = 64;

interface MessageSecrets {
  readonly material: Uint8Array;
  readonly aesKey: Uint8Array;
  readonly macKey: Uint8Array;
  readonly iv: Uint8Array;
}

function deriveMessageSecrets(messageKey: Uint8Array): MessageSecrets {
  const length = AES_KEY_LENGTH + MAC_KEY_LENGTH + IV_LENGTH;
  const material = hkdfSha256(messageKey, MESSAGE_KEY_SALT, MESSAGE_KEY_INFO_BYTES, length);
  return {
    material,
    aesKey: material.subarray(0, AES_KEY_LENGTH),
    macKey: material.subarray(AES_KEY_LENGTH, AES_KEY_LENGTH + MAC_KEY_LENGTH),
    iv: material.subarray(AES_KEY_LENGTH + MAC_KEY_LENGTH),
  };
}

function computeMac(macKey: Uint8Array, ad: Uint8Array, omemoMessage: Uint8Array): Uint8Array {
  return hmacSha256(macKey, ad, omemoMessage).subarray(0, MAC_LENGTH);
}

function checkAssociatedData(ad: Uint8Array): void {
  if (ad.length !== ASSOCIATED_DATA_LENGTH) {
    throw new CryptoError('invalid-key', `OMEMO:2 associated data must be ${ASSOCIATED_DATA_LENGTH} bytes`);
  }
}

function seal(messageKey: Uint8Array, ad: Uint8Array, header: RatchetHeader, plaintext: Uint8Array): Uint8Array {
  checkAssociatedData(ad);
  const secrets = deriveMessageSecrets(messageKey);
  try {
    const ciphertext = aesCbcEncrypt(secrets.aesKey, secrets.iv, plaintext);
    const message = encodeOmemoMessage({ n: header.n, pn: header.pn, dhPub: header.dhPub, ciphertext });
    return encodeAuthenticatedMessage({ mac: computeMac(secrets.macKey, ad, message), message });
  } finally {
    wipe(secrets.material);
  }
}

function parseHeader(wire: Uint8Array): RatchetHeader {
  const { dhPub, n, pn } = decodeOmemoMessage(decodeAuthenticatedMessage(wire).message);
  return { dhPub, n, pn };
}

function open(messageKey: Uint8Array, ad: Uint8Array, wire: Uint8Array): Uint8Array {
  checkAssociatedData(ad);
  const { mac, message } = decodeAuthenticatedMessage(wire);
  const secrets = deriveMessageSecrets(messageKey);
  try {
    if (!equalBytes(computeMac(secrets.macKey, ad, message), mac)) {
      throw new CryptoError('bad-mac', 'message authentication failed');
    }
    // An absent ciphertext decrypts as empty input, which fails on padding, as in twomemo.
    const { ciphertext } = decodeOmemoMessage(message);
    return aesCbcDecrypt(secrets.aesKey, secrets.iv, ciphertext ?? new Uint8Array(0));
  } finally {
    wipe(secrets.material);
  }
}

/** The MessageAead of OMEMO:2 (see the file comment). */
export const omemo2MessageAead: MessageAead = { seal, parseHeader, open };
