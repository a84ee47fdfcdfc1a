/**
 * Every call across the bridge answers with a Result: a value, or a typed error the UI can
 * show. Nothing ever throws across the process boundary, so a bad request cannot crash either side.
 */
export const ERROR_CODES = [
  'invalid-request', // the payload failed validation (wrong type, extra field, too long)
  'unknown-channel', // no such operation in the contract
  'forbidden', // the call came from a frame or origin that is not ours
  'needs-setup', // no account yet
  'locked', // the store is locked: unlock first
  'already-set-up', // setup on a device that already has an account
  'wrong-passphrase',
  'keystore-unavailable', // the OS keystore cannot be used (or is insecure): choose a passphrase
  'store-busy', // another Parley process has the store open
  'store-damaged', // the store or its key file is damaged, or written by a newer Parley
  'auth-failed', // the server refused the JID or password
  'unreachable', // the server could not be reached or its certificate did not verify
  'not-found', // no such conversation, message or device
  'not-allowed', // the operation does not apply (e.g. retry of a delivered message)
  'not-implemented', // reserved in the contract, not yet offered by this build
  'internal', // anything else; the message never holds secrets
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface BridgeError {
  readonly code: ErrorCode;
  readonly message: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: BridgeError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string): { readonly ok: false; readonly error: BridgeError } => ({
  ok: false,
  error: { code, message },
});
