/**
 * OS keystore protector on Electron's safeStorage (Keychain, DPAPI, libsecret/KWallet).
 * The engine never imports electron: the glue passes `safeStorage` in, and tests pass a fake.
 *
 * Linux is the delicate case. With no keyring, Electron falls back to `basic_text`, which
 * "encrypts" with a hard-coded password: that is no protection, so it is refused and the user
 * is told to choose a passphrase. And the backend in use can change between runs (another
 * desktop session, a --password-store flag); a key wrapped by one backend cannot be unwrapped
 * by another, so the backend is recorded and a mismatch is reported as such — never treated
 * as a damaged store, and the key file is left alone so the original backend can still open it.
 */
import { StoreError } from './errors.js';
import { DB_KEY_BYTES, type KeyProtector, type KeystoreWrappedKey, type WrappedKey } from './protector.js';

/** The part of Electron's `safeStorage` this protector uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Uint8Array;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron; absent elsewhere. */
  getSelectedStorageBackend?(): string;
}

export interface KeystoreProtectorOptions {
  /** Defaults to process.platform; tests set it to exercise the Linux rules anywhere. */
  readonly platform?: string;
}

const INSECURE_BACKEND = 'basic_text';
/** safeStorage answers this before the app's `ready` event. */
const UNKNOWN_BACKEND = 'unknown';

export function keystoreProtector(safeStorage: SafeStorageLike, options: KeystoreProtectorOptions = {}): KeyProtector {
  const platform = options.platform ?? process.platform;

  function currentBackend(): string | null {
    if (!safeStorage.isEncryptionAvailable()) {
      throw new StoreError('keystore-unavailable', 'The system keystore is not available. Unlock it, or protect the store with a passphrase.');
    }
    if (platform !== 'linux') return null;
    const backend = safeStorage.getSelectedStorageBackend?.() ?? UNKNOWN_BACKEND;
    if (backend === UNKNOWN_BACKEND) {
      throw new StoreError('keystore-unavailable', 'The system keystore is not ready yet (open the store after the app is ready).');
    }
    return backend;
  }

  return {
    kind: 'os-keystore',
    async wrap(dbKey) {
      const backend = currentBackend();
      if (backend === INSECURE_BACKEND) {
        throw new StoreError(
          'keystore-insecure',
          'No system keyring was found (Electron would store the key with a fixed password). Choose a passphrase to protect the store instead.',
        );
      }
      const encrypted = safeStorage.encryptString(Buffer.from(dbKey).toString('hex'));
      return { protector: 'os-keystore', platform, backend, ciphertext: Buffer.from(encrypted).toString('base64') };
    },
    async unwrap(record) {
      const wrapped = asKeystoreRecord(record);
      if (wrapped.platform !== platform) {
        throw new StoreError('keystore-unavailable', 'This store was protected by the keystore of another operating system; it cannot be opened here.');
      }
      const backend = currentBackend();
      if (backend !== wrapped.backend) {
        throw new StoreError(
          'keystore-backend-changed',
          `The store key was saved in the ${wrapped.backend ?? 'unknown'} keyring, but ${backend ?? 'another'} is in use now. ` +
            `Start Parley with --password-store=${passwordStoreFlag(wrapped.backend)} once and switch the store to a passphrase.`,
        );
      }
      let hex: string;
      try {
        hex = safeStorage.decryptString(Buffer.from(wrapped.ciphertext, 'base64'));
      } catch (cause) {
        throw new StoreError('keystore-failed', 'The system keystore could not unlock the store key. If you changed or reset your keyring, restore it or use a backup.', { cause });
      }
      const dbKey = Uint8Array.from(Buffer.from(hex, 'hex'));
      if (dbKey.length !== DB_KEY_BYTES) throw new StoreError('keystore-failed', 'The system keystore returned a key of the wrong size.');
      return dbKey;
    },
  };
}

/** Electron's --password-store values differ from getSelectedStorageBackend()'s names. */
function passwordStoreFlag(backend: string | null): string {
  switch (backend) {
    case 'gnome_libsecret':
      return 'gnome-libsecret';
    default:
      return backend ?? 'basic';
  }
}

function asKeystoreRecord(record: WrappedKey): KeystoreWrappedKey {
  if (record.protector !== 'os-keystore') {
    throw new StoreError('protector-mismatch', 'This store is protected by a passphrase, not by the system keystore.');
  }
  if (typeof record.ciphertext !== 'string' || typeof record.platform !== 'string') {
    throw new StoreError('corrupt', 'The key file is damaged: restore it from a backup.');
  }
  return record;
}
