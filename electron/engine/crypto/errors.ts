/**
 * The one error family of the protocol core. Codes are stable (the IPC layer maps them
 * to user-facing messages); texts never contain key material or plaintext.
 */
export type CryptoErrorCode =
  | 'invalid-key' // malformed or wrong-length key
  | 'weak-key' // low-order point, all-zero shared secret
  | 'bad-signature' // signed pre-key signature does not verify
  | 'bad-mac' // authentication failed
  | 'malformed' // wire bytes do not parse
  | 'replay' // message key already used
  | 'too-many-skipped' // gap larger than MAX_SKIP
  | 'no-session' // no session for that device
  | 'unknown-pre-key' // pre-key id not (or no longer) held
  | 'unknown-signed-pre-key'
  | 'invalid-bundle'
  | 'identity-changed' // a device presents an identity key other than the one we know for it
  | 'no-identity'; // this device has not been set up (no own identity in the store)

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(message);
  }
}
