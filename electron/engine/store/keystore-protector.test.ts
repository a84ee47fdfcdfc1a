import { afterEach, describe, expect, it } from 'vitest';
import { isStoreError } from './errors.js';
import { storeFiles } from './files.js';
import { keystoreProtector, type SafeStorageLike } from './keystore-protector.js';
import type { KeystoreWrappedKey } from './protector.js';
import { createStore, describeStore, openStore } from './store.js';
import { fileHash, tempDirs, testProtector } from './test-support.js';

/** Stands in for Electron's safeStorage: a reversible, backend-bound transformation. */
function fakeSafeStorage(state: { backend?: string; available?: boolean; broken?: boolean } = {}): SafeStorageLike & { state: typeof state } {
  const s = { backend: 'gnome_libsecret', available: true, broken: false, ...state };
  return {
    state: s,
    isEncryptionAvailable: () => s.available,
    getSelectedStorageBackend: () => s.backend,
    encryptString: (plain) => Buffer.from(`${s.backend}:${Buffer.from(plain).reverse().toString('hex')}`),
    decryptString(encrypted) {
      const [backend, hex] = encrypted.toString().split(':');
      if (s.broken || backend !== s.backend) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from(hex!, 'hex').reverse().toString();
    },
  };
}

const dbKey = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
const dirs = tempDirs();
afterEach(() => dirs.cleanup());

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('OS keystore protector', () => {
  it('wraps with safeStorage and records the Linux backend that did it', async () => {
    const p = keystoreProtector(fakeSafeStorage(), { platform: 'linux' });
    const record = (await p.wrap(dbKey)) as KeystoreWrappedKey;
    expect(record).toMatchObject({ protector: 'os-keystore', platform: 'linux', backend: 'gnome_libsecret' });
    expect(await p.unwrap(record)).toEqual(dbKey);
  });

  it('refuses basic_text on Linux and tells the user to choose a passphrase', async () => {
    const error = await rejection(keystoreProtector(fakeSafeStorage({ backend: 'basic_text' }), { platform: 'linux' }).wrap(dbKey));
    expect(isStoreError(error, 'keystore-insecure')).toBe(true);
    expect((error as Error).message).toMatch(/passphrase/);
  });

  it('reports a different backend than the one that wrapped the key as keystore-backend-changed, pointing to the passphrase path', async () => {
    const safeStorage = fakeSafeStorage({ backend: 'kwallet5' });
    const record = await keystoreProtector(safeStorage, { platform: 'linux' }).wrap(dbKey);
    safeStorage.state.backend = 'gnome_libsecret';
    const error = await rejection(keystoreProtector(safeStorage, { platform: 'linux' }).unwrap(record));
    expect(isStoreError(error, 'keystore-backend-changed')).toBe(true);
    expect((error as Error).message).toContain('--password-store=kwallet5');
    expect((error as Error).message).toMatch(/passphrase/);
  });

  it('says keystore-unavailable when encryption is not available or the app is not ready', async () => {
    const unavailable = keystoreProtector(fakeSafeStorage({ available: false }), { platform: 'win32' });
    expect(isStoreError(await rejection(unavailable.wrap(dbKey)), 'keystore-unavailable')).toBe(true);
    const notReady = keystoreProtector(fakeSafeStorage({ backend: 'unknown' }), { platform: 'linux' });
    expect(isStoreError(await rejection(notReady.wrap(dbKey)), 'keystore-unavailable')).toBe(true);
  });

  it('says keystore-failed when safeStorage cannot decrypt', async () => {
    const safeStorage = fakeSafeStorage();
    const record = await keystoreProtector(safeStorage, { platform: 'linux' }).wrap(dbKey);
    safeStorage.state.broken = true;
    expect(isStoreError(await rejection(keystoreProtector(safeStorage, { platform: 'linux' }).unwrap(record)), 'keystore-failed')).toBe(true);
  });

  it('records no backend on macOS and Windows', async () => {
    const { getSelectedStorageBackend: _linuxOnly, ...macSafeStorage } = fakeSafeStorage();
    const record = (await keystoreProtector(macSafeStorage, { platform: 'darwin' }).wrap(dbKey)) as KeystoreWrappedKey;
    expect(record.backend).toBeNull();
    expect(await keystoreProtector(macSafeStorage, { platform: 'darwin' }).unwrap(record)).toEqual(dbKey);
  });

  it('refuses a key wrapped on another operating system', async () => {
    const record = await keystoreProtector(fakeSafeStorage(), { platform: 'darwin' }).wrap(dbKey);
    expect(isStoreError(await rejection(keystoreProtector(fakeSafeStorage(), { platform: 'linux' }).unwrap(record)), 'keystore-unavailable')).toBe(true);
  });

  it('says protector-mismatch when given a passphrase-wrapped key', async () => {
    const record = await testProtector().wrap(dbKey);
    expect(isStoreError(await rejection(keystoreProtector(fakeSafeStorage(), { platform: 'linux' }).unwrap(record)), 'protector-mismatch')).toBe(true);
  });

  it('opens a keystore-protected store, and after a backend change leaves it untouched and recoverable', async () => {
    const dir = dirs.make();
    const safeStorage = fakeSafeStorage({ backend: 'kwallet5' });
    const protector = keystoreProtector(safeStorage, { platform: 'linux' });
    const store = await createStore({ dir, protector });
    store.conversations.open('nurse@capulet.example');
    store.close();
    expect(describeStore(dir)).toEqual({ protector: 'os-keystore', backend: 'kwallet5' });

    const files = storeFiles(dir);
    const before = [fileHash(files.database), fileHash(files.key)];
    safeStorage.state.backend = 'gnome_libsecret';
    expect(isStoreError(await rejection(openStore({ dir, protector })), 'keystore-backend-changed')).toBe(true);
    expect([fileHash(files.database), fileHash(files.key)]).toEqual(before);

    // The way out the error describes: run once with the original backend, switch to a passphrase.
    safeStorage.state.backend = 'kwallet5';
    const again = await openStore({ dir, protector });
    await again.changeProtector(protector, testProtector());
    again.close();
    safeStorage.state.backend = 'gnome_libsecret';
    const viaPassphrase = await openStore({ dir, protector: testProtector() });
    expect(viaPassphrase.conversations.findByPeer('nurse@capulet.example')).toBeDefined();
    viaPassphrase.close();
  });
});
