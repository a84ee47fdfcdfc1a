/**
 * The account's connection settings (server, port, password) kept next to the store, sealed
 * with a key that the store's own protector wraps: the same passphrase or OS keystore opens
 * both, and nothing readable reaches the disk. A separate file because the store has no
 * settings table yet (reported to the lead).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import type { KeyProtector, WrappedKey } from '../engine/store/index.js';
import { StoreError } from '../engine/store/index.js';
import type { AccountSettings } from './messaging-port.js';

const FILE = 'parley.account.json';
const AAD = new TextEncoder().encode('parley account settings v1');

interface SealedFile {
  readonly version: 1;
  readonly key: WrappedKey;
  readonly nonce: string;
  readonly ciphertext: string;
}

export async function saveAccountSettings(dir: string, protector: KeyProtector, settings: AccountSettings): Promise<void> {
  const key = randomBytes(32);
  const nonce = randomBytes(24);
  const plain = new TextEncoder().encode(JSON.stringify(settings));
  const sealed: SealedFile = {
    version: 1,
    key: await protector.wrap(key),
    nonce: nonce.toString('base64'),
    ciphertext: Buffer.from(xchacha20poly1305(key, nonce, AAD).encrypt(plain)).toString('base64'),
  };
  key.fill(0);
  const path = join(dir, FILE);
  writeFileSync(`${path}.tmp`, JSON.stringify(sealed), { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

export async function loadAccountSettings(dir: string, protector: KeyProtector): Promise<AccountSettings | undefined> {
  let sealed: SealedFile;
  try {
    sealed = JSON.parse(readFileSync(join(dir, FILE), 'utf8')) as SealedFile;
  } catch {
    return undefined;
  }
  const key = await protector.unwrap(sealed.key);
  try {
    const plain = xchacha20poly1305(key, Buffer.from(sealed.nonce, 'base64'), AAD).decrypt(Buffer.from(sealed.ciphertext, 'base64'));
    return JSON.parse(new TextDecoder().decode(plain)) as AccountSettings;
  } catch (cause) {
    throw new StoreError('corrupt', 'The account settings file is damaged.', { cause });
  } finally {
    key.fill(0);
  }
}
