/**
 * Passphrase protector: scrypt turns the passphrase into a wrapping key, XChaCha20-Poly1305
 * wraps the database key. The AEAD tag is what tells a wrong passphrase apart from a right
 * one before the database file is even opened, so a wrong guess never touches it.
 */
import { randomBytes } from 'node:crypto';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { StoreError } from './errors.js';
import { DB_KEY_BYTES, type KeyProtector, type PassphraseWrappedKey, type WrappedKey } from './protector.js';

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * Tuned to ~0.5 s per unlock. Measured on the development machine (2 shared cores, Node 20,
 * @noble/hashes 2.x scryptAsync, one derivation per fresh process as at app start):
 *   N=2^16 r=8: 0.30–0.33 s · N=2^16 r=12: 0.44–0.46 s · N=2^17 r=8: 0.59–0.74 s.
 * r=12 costs 128·N·r = 96 MiB. The parameters travel with every wrapped key, so raising
 * them later only affects keys wrapped afterwards.
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 16, r: 12, p: 1 };

/** Upper bounds for parameters read from a key file, so a damaged file cannot demand gigabytes. */
const MAX_LOG2_N = 22;
const MAX_R = 32;
const MAX_P = 16;
const SALT_BYTES = 16;
const NONCE_BYTES = 24;

export function passphraseProtector(passphrase: string, params: ScryptParams = DEFAULT_SCRYPT): KeyProtector {
  return {
    kind: 'passphrase',
    async wrap(dbKey) {
      const salt = randomBytes(SALT_BYTES).toString('base64');
      const header = { protector: 'passphrase', kdf: { name: 'scrypt', ...params, salt }, aead: 'xchacha20-poly1305' } as const;
      const wrappingKey = await deriveWrappingKey(passphrase, header.kdf);
      const nonce = randomBytes(NONCE_BYTES);
      const ciphertext = xchacha20poly1305(wrappingKey, nonce, associatedData(header)).encrypt(dbKey);
      wrappingKey.fill(0);
      return { ...header, nonce: nonce.toString('base64'), ciphertext: Buffer.from(ciphertext).toString('base64') };
    },
    async unwrap(record) {
      const wrapped = asPassphraseRecord(record);
      const wrappingKey = await deriveWrappingKey(passphrase, wrapped.kdf);
      try {
        const nonce = Buffer.from(wrapped.nonce, 'base64');
        const sealed = Buffer.from(wrapped.ciphertext, 'base64');
        const dbKey = xchacha20poly1305(wrappingKey, nonce, associatedData(wrapped)).decrypt(sealed);
        if (dbKey.length !== DB_KEY_BYTES) throw new StoreError('corrupt', 'The key file holds a key of the wrong size.');
        return dbKey;
      } catch (e) {
        if (e instanceof StoreError) throw e;
        throw new StoreError('wrong-passphrase', 'The passphrase is not correct.');
      } finally {
        wrappingKey.fill(0);
      }
    },
  };
}

/**
 * NFKC so the same passphrase typed with composed or decomposed characters (different
 * keyboards, different OSes) derives the same key.
 */
function deriveWrappingKey(passphrase: string, kdf: PassphraseWrappedKey['kdf']): Promise<Uint8Array> {
  const password = new TextEncoder().encode(passphrase.normalize('NFKC'));
  return scryptAsync(password, Buffer.from(kdf.salt, 'base64'), { N: kdf.N, r: kdf.r, p: kdf.p, dkLen: 32 });
}

/** Binds the KDF parameters to the wrapped key: editing them in the file fails authentication. */
function associatedData(h: Pick<PassphraseWrappedKey, 'protector' | 'kdf' | 'aead'>): Uint8Array {
  const { name, N, r, p, salt } = h.kdf;
  return new TextEncoder().encode(`parley-store-key/1|${h.protector}|${h.aead}|${name}|${N}|${r}|${p}|${salt}`);
}

function asPassphraseRecord(record: WrappedKey): PassphraseWrappedKey {
  if (record.protector !== 'passphrase') {
    throw new StoreError('protector-mismatch', 'This store is protected by the system keystore, not by a passphrase.');
  }
  const { kdf } = record;
  const log2N = Math.log2(kdf?.N);
  const sane =
    record.aead === 'xchacha20-poly1305' &&
    kdf?.name === 'scrypt' &&
    Number.isInteger(log2N) && log2N >= 1 && log2N <= MAX_LOG2_N &&
    Number.isInteger(kdf.r) && kdf.r >= 1 && kdf.r <= MAX_R &&
    Number.isInteger(kdf.p) && kdf.p >= 1 && kdf.p <= MAX_P &&
    typeof kdf.salt === 'string' && typeof record.nonce === 'string' && typeof record.ciphertext === 'string' &&
    Buffer.from(record.nonce, 'base64').length === NONCE_BYTES;
  if (!sane) throw new StoreError('corrupt', 'The key file is damaged: restore it from a backup.');
  return record;
}
