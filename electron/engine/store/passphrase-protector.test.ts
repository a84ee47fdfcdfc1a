import { describe, expect, it } from 'vitest';
import { isStoreError } from './errors.js';
import { passphraseProtector } from './passphrase-protector.js';
import type { PassphraseWrappedKey } from './protector.js';
import { TEST_SCRYPT } from './test-support.js';

const dbKey = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('passphrase protector', () => {
  it('unwraps what it wrapped with the same passphrase', async () => {
    const record = await passphraseProtector('open sesame', TEST_SCRYPT).wrap(dbKey);
    expect(await passphraseProtector('open sesame', TEST_SCRYPT).unwrap(record)).toEqual(dbKey);
  });

  it('records scrypt parameters and salt with the wrapped key, never the key itself', async () => {
    const record = (await passphraseProtector('open sesame', TEST_SCRYPT).wrap(dbKey)) as PassphraseWrappedKey;
    expect(record.kdf).toMatchObject({ name: 'scrypt', ...TEST_SCRYPT });
    expect(record.aead).toBe('xchacha20-poly1305');
    expect(JSON.stringify(record)).not.toContain(Buffer.from(dbKey).toString('base64'));
    expect(JSON.stringify(record)).not.toContain(Buffer.from(dbKey).toString('hex'));
  });

  it('uses a fresh salt and nonce for every wrap', async () => {
    const p = passphraseProtector('open sesame', TEST_SCRYPT);
    const [a, b] = (await Promise.all([p.wrap(dbKey), p.wrap(dbKey)])) as PassphraseWrappedKey[];
    expect(a!.kdf.salt).not.toBe(b!.kdf.salt);
    expect(a!.nonce).not.toBe(b!.nonce);
  });

  it('detects a wrong passphrase with wrong-passphrase', async () => {
    const record = await passphraseProtector('open sesame', TEST_SCRYPT).wrap(dbKey);
    const error = await rejection(passphraseProtector('open sesamE', TEST_SCRYPT).unwrap(record));
    expect(isStoreError(error, 'wrong-passphrase')).toBe(true);
    expect((error as Error).message).not.toContain('sesam');
  });

  it('treats composed and decomposed spellings of a passphrase as the same passphrase', async () => {
    const record = await passphraseProtector('Crème brûlée', TEST_SCRYPT).wrap(dbKey);
    expect(await passphraseProtector('Crème brûlée'.normalize('NFD'), TEST_SCRYPT).unwrap(record)).toEqual(dbKey);
  });

  it('fails authentication when the stored parameters are edited', async () => {
    const record = (await passphraseProtector('open sesame', TEST_SCRYPT).wrap(dbKey)) as PassphraseWrappedKey;
    const weakened = { ...record, kdf: { ...record.kdf, N: TEST_SCRYPT.N / 2 } };
    expect(isStoreError(await rejection(passphraseProtector('open sesame', TEST_SCRYPT).unwrap(weakened)), 'wrong-passphrase')).toBe(true);
  });

  it('refuses absurd parameters from a damaged key file instead of allocating them', async () => {
    const record = (await passphraseProtector('open sesame', TEST_SCRYPT).wrap(dbKey)) as PassphraseWrappedKey;
    const absurd = { ...record, kdf: { ...record.kdf, N: 2 ** 30 } };
    expect(isStoreError(await rejection(passphraseProtector('open sesame').unwrap(absurd)), 'corrupt')).toBe(true);
  });

  it('says protector-mismatch for a key wrapped by the system keystore', async () => {
    const record = { protector: 'os-keystore', platform: 'linux', backend: 'kwallet5', ciphertext: 'AAAA' } as const;
    expect(isStoreError(await rejection(passphraseProtector('x', TEST_SCRYPT).unwrap(record)), 'protector-mismatch')).toBe(true);
  });
});
