/** Helpers for the store's tests (not used by the app). */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { passphraseProtector, type ScryptParams } from './passphrase-protector.js';
import type { KeyProtector } from './protector.js';
import { createStore, type Store, type StoreOptions } from './store.js';

/** Cheap scrypt so tests do not spend half a second per unlock. */
export const TEST_SCRYPT: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };
export const TEST_PASSPHRASE = 'correct horse battery staple';

export const testProtector = (passphrase = TEST_PASSPHRASE): KeyProtector => passphraseProtector(passphrase, TEST_SCRYPT);

/** Temporary folders, removed by `cleanup()` (call it in afterEach). */
export function tempDirs(): { make(): string; cleanup(): void } {
  const made: string[] = [];
  return {
    make() {
      const dir = mkdtempSync(join(tmpdir(), 'parley-store-'));
      made.push(dir);
      return dir;
    },
    cleanup() {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function fileHash(path: string): string | undefined {
  return existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : undefined;
}

export function newTestStore(dir: string, options: Partial<StoreOptions> = {}): Promise<Store> {
  return createStore({ dir, protector: testProtector(), ...options });
}
