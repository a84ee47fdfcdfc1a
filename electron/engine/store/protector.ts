/**
 * The database key is 32 random bytes that only ever reach the disk wrapped. A KeyProtector
 * wraps and unwraps it; the store never knows how. The wrapped record is plain JSON data
 * that names its protector and carries everything needed to unwrap it later (KDF
 * parameters, the keystore backend), so a store opened years later still knows how.
 */
export const DB_KEY_BYTES = 32;

export interface PassphraseWrappedKey {
  readonly protector: 'passphrase';
  readonly kdf: { readonly name: 'scrypt'; readonly N: number; readonly r: number; readonly p: number; readonly salt: string };
  readonly aead: 'xchacha20-poly1305';
  /** base64 */
  readonly nonce: string;
  /** base64: the wrapped key followed by the 16-byte Poly1305 tag */
  readonly ciphertext: string;
}

export interface KeystoreWrappedKey {
  readonly protector: 'os-keystore';
  /** process.platform that wrapped it: a key wrapped by macOS Keychain cannot open on Linux. */
  readonly platform: string;
  /** Linux only: the safeStorage backend that wrapped it (gnome_libsecret, kwallet5, …). */
  readonly backend: string | null;
  /** base64 of what safeStorage.encryptString returned */
  readonly ciphertext: string;
}

export type WrappedKey = PassphraseWrappedKey | KeystoreWrappedKey;
export type ProtectorKind = WrappedKey['protector'];

export interface KeyProtector {
  readonly kind: ProtectorKind;
  /** Wraps a fresh database key. Asynchronous so a slow KDF does not freeze the main process. */
  wrap(dbKey: Uint8Array): Promise<WrappedKey>;
  /** Returns the database key, or throws a StoreError (wrong-passphrase, keystore-…). */
  unwrap(record: WrappedKey): Promise<Uint8Array>;
}
