/**
 * OMEMO:2 payload encryption (XEP-0384 §4.4, decryption §4.5): a fresh 32-byte key per
 * message, HKDF-SHA-256 (zero salt, info "OMEMO Payload") → 32-byte AES-256-CBC key,
 * 32-byte HMAC key, 16-byte IV; HMAC-SHA-256 over the ciphertext truncated to 16 bytes.
 * The ratchet then carries key || mac to every recipient device.
 */
import { concatBytes, equalBytes, wipe } from '../../bytes.js';
import { CryptoError } from '../../errors.js';
import { aesCbcDecrypt, aesCbcEncrypt, hkdfSha256, hmacSha256, randomBytes } from '../../primitives.js';
import type { PayloadCipher, SealedPayload } from '../wire-format.js';

export const PAYLOAD_KEY_LENGTH = 32;
export const PAYLOAD_MAC_LENGTH = 16;
export const PAYLOAD_INFO = 'OMEMO Payload';

const ENCRYPTION_KEY_LENGTH = 32;
const AUTHENTICATION_KEY_LENGTH = 32;
const IV_LENGTH = 16;
const DERIVED_LENGTH = ENCRYPTION_KEY_LENGTH + AUTHENTICATION_KEY_LENGTH + IV_LENGTH;
/** "256 zero-bits as HKDF salt" (XEP-0384 §4.4). */
const ZERO_SALT = new Uint8Array(32);

interface PayloadKeys {
  readonly encryptionKey: Uint8Array;
  readonly authenticationKey: Uint8Array;
  readonly iv: Uint8Array;
}

function derivePayloadKeys(key: Uint8Array): PayloadKeys {
  const out = hkdfSha256(key, ZERO_SALT, PAYLOAD_INFO, DERIVED_LENGTH);
  return {
    encryptionKey: out.slice(0, ENCRYPTION_KEY_LENGTH),
    authenticationKey: out.slice(ENCRYPTION_KEY_LENGTH, ENCRYPTION_KEY_LENGTH + AUTHENTICATION_KEY_LENGTH),
    iv: out.slice(ENCRYPTION_KEY_LENGTH + AUTHENTICATION_KEY_LENGTH),
  };
}

const truncatedMac = (authenticationKey: Uint8Array, ciphertext: Uint8Array): Uint8Array =>
  hmacSha256(authenticationKey, ciphertext).slice(0, PAYLOAD_MAC_LENGTH);

export function encryptPayload(plaintext: Uint8Array): SealedPayload {
  const key = randomBytes(PAYLOAD_KEY_LENGTH);
  const keys = derivePayloadKeys(key);
  const payload = aesCbcEncrypt(keys.encryptionKey, keys.iv, plaintext);
  const mac = truncatedMac(keys.authenticationKey, payload);
  const keyMaterial = concatBytes(key, mac);
  wipe(key, keys.encryptionKey, keys.authenticationKey, keys.iv);
  return { payload, keyMaterial };
}

export function decryptPayload(keyMaterial: Uint8Array, payload: Uint8Array): Uint8Array {
  if (keyMaterial.length !== PAYLOAD_KEY_LENGTH + PAYLOAD_MAC_LENGTH) {
    throw new CryptoError('malformed', 'payload key material must be key || 16-byte mac');
  }
  const keys = derivePayloadKeys(keyMaterial.subarray(0, PAYLOAD_KEY_LENGTH));
  try {
    const expected = truncatedMac(keys.authenticationKey, payload);
    if (!equalBytes(expected, keyMaterial.subarray(PAYLOAD_KEY_LENGTH))) {
      throw new CryptoError('bad-mac', 'payload authentication failed');
    }
    return aesCbcDecrypt(keys.encryptionKey, keys.iv, payload);
  } finally {
    wipe(keys.encryptionKey, keys.authenticationKey, keys.iv);
  }
}

/** "32 zero-bytes are encrypted with the Double Ratchet session directly" (XEP-0384 §5.5.3). */
export const emptyKeyMaterial = (): Uint8Array => new Uint8Array(PAYLOAD_KEY_LENGTH);

export const omemo2Payload: PayloadCipher = { encrypt: encryptPayload, decrypt: decryptPayload, emptyKeyMaterial };
