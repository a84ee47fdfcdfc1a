/**
 * The one error family of the encrypted store. Codes are stable: the IPC layer maps them to
 * what the UI shows. Messages say what happened and what the user can do; they never hold a
 * key, a passphrase, a JID or message text.
 */
export type StoreErrorCode =
  | 'wrong-passphrase' // the passphrase does not unwrap the database key
  | 'corrupt' // the database or its key file is damaged; nothing was changed
  | 'store-locked' // another running Parley process has the store open
  | 'newer-version' // written by a newer Parley; this one refuses to touch it
  | 'migration-failed' // a schema migration threw; the previous version is intact
  | 'not-found' // no store in that folder
  | 'already-exists' // createStore on a folder that already holds a store
  | 'protector-mismatch' // the key was wrapped by another kind of protector
  | 'keystore-unavailable' // the OS keystore cannot be used right now
  | 'keystore-insecure' // Linux basic_text: no real keystore, a passphrase is needed
  | 'keystore-backend-changed' // the key was wrapped by another Linux keystore backend
  | 'keystore-failed' // the OS keystore refused to unwrap the key
  | 'closed'; // the store was used after close()

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isStoreError = (e: unknown, code?: StoreErrorCode): e is StoreError =>
  e instanceof StoreError && (code === undefined || e.code === code);
