/**
 * Signed pre-keys and one-time pre-keys (XEP-0384 §4.2, §5.3.2): generation, the one-time
 * pre-key pool, and signed pre-key rotation that keeps the previous key for a grace period.
 * Works on the small store interfaces only.
 */
import type { AsymmetricBackend } from './backend/types.js';
import { MAX_KEY_ID, MIN_KEY_ID, SIGNED_PRE_KEY_GRACE_PERIOD_MS, isValidKeyId } from './limits.js';
import { randomIntBetween } from './random.js';
import type { IdentityKeyFormat } from './wire/wire-format.js';
import { omemo2IdentityKey } from './wire/omemo2/identity-key.js';
import type { PreKeyStore, SignedPreKeyStore, StoredPreKey, StoredSignedPreKey } from '../protocol/store.js';

export function generateSignedPreKey(
  backend: AsymmetricBackend,
  identitySeed: Uint8Array,
  id: number,
  now: number,
  keyFormat: IdentityKeyFormat = omemo2IdentityKey,
): StoredSignedPreKey {
  const { privateKey, publicKey } = backend.x25519GenerateKeyPair();
  const signature = keyFormat.signSignedPreKey(backend, identitySeed, publicKey);
  return { id, privateKey, publicKey, signature, createdAt: now };
}

/** A pre-key id not in `taken`, uniform in 1..2^31-1 so a deleted key's id is unlikely to return. */
function freshPreKeyId(taken: Set<number>): number {
  for (;;) {
    const id = randomIntBetween(MIN_KEY_ID, MAX_KEY_ID);
    if (!taken.has(id)) return id;
  }
}

export function generatePreKeys(backend: AsymmetricBackend, count: number, takenIds: Iterable<number> = []): StoredPreKey[] {
  const taken = new Set(takenIds);
  const keys: StoredPreKey[] = [];
  for (let i = 0; i < count; i++) {
    const id = freshPreKeyId(taken);
    taken.add(id);
    const { privateKey, publicKey } = backend.x25519GenerateKeyPair();
    keys.push({ id, privateKey, publicKey });
  }
  return keys;
}

/** Pre-keys still offered in the bundle: not yet consumed by a key exchange. */
export const unusedPreKeys = (store: PreKeyStore): StoredPreKey[] =>
  store
    .listPreKeys()
    .filter((k) => k.usedAt === undefined)
    .sort((a, b) => a.id - b.id);

/** Tops the unused pool up to `target`; returns how many keys were added. */
export function replenishPreKeyPool(store: PreKeyStore, backend: AsymmetricBackend, target: number): number {
  const all = store.listPreKeys();
  const missing = target - all.filter((k) => k.usedAt === undefined).length;
  if (missing <= 0) return 0;
  for (const key of generatePreKeys(backend, missing, all.map((k) => k.id))) store.savePreKey(key);
  return missing;
}

/** Deletes consumed pre-keys (after archive catch-up, XEP-0384 §6); returns how many. */
export function deleteConsumedPreKeys(store: PreKeyStore): number {
  const used = store.listPreKeys().filter((k) => k.usedAt !== undefined);
  for (const key of used) store.deletePreKey(key.id);
  return used.length;
}

/** The signed pre-key the bundle offers: the newest one not retired. */
export function currentSignedPreKey(keys: readonly StoredSignedPreKey[]): StoredSignedPreKey | undefined {
  let current: StoredSignedPreKey | undefined;
  for (const key of keys) {
    if (key.retiredAt !== undefined) continue;
    if (!current || key.createdAt > current.createdAt || (key.createdAt === current.createdAt && key.id > current.id)) {
      current = key;
    }
  }
  return current;
}

/**
 * The next signed pre-key id: one above the highest held. Retired keys are deleted oldest
 * first and the current key always has the highest id, so an id never comes back.
 */
export function nextSignedPreKeyId(keys: readonly StoredSignedPreKey[]): number {
  const next = keys.reduce((max, k) => Math.max(max, k.id), 0) + 1;
  if (isValidKeyId(next)) return next;
  const taken = new Set(keys.map((k) => k.id));
  for (;;) {
    const id = randomIntBetween(MIN_KEY_ID, MAX_KEY_ID);
    if (!taken.has(id)) return id;
  }
}

export interface SignedPreKeyRotation {
  readonly backend: AsymmetricBackend;
  readonly identitySeed: Uint8Array;
  readonly now: number;
  /** How long a retired key still answers key exchanges. Default: one rotation period (XEP-0384 §4.2). */
  readonly gracePeriodMs?: number;
  readonly keyFormat?: IdentityKeyFormat;
}

/**
 * Replaces the current signed pre-key with a new one. The old key is marked retired and kept
 * for the grace period "to account for delayed messages using the old signed PreKey"
 * (XEP-0384 §4.2); keys retired longer ago than that are deleted.
 */
export function rotateSignedPreKeyInStore(store: SignedPreKeyStore, rotation: SignedPreKeyRotation): StoredSignedPreKey {
  const keys = store.listSignedPreKeys();
  const fresh = generateSignedPreKey(
    rotation.backend,
    rotation.identitySeed,
    nextSignedPreKeyId(keys),
    rotation.now,
    rotation.keyFormat,
  );
  store.saveSignedPreKey(fresh);
  for (const key of keys) {
    if (key.retiredAt === undefined) store.saveSignedPreKey({ ...key, retiredAt: rotation.now });
  }
  pruneRetiredSignedPreKeys(store, rotation.now, rotation.gracePeriodMs ?? SIGNED_PRE_KEY_GRACE_PERIOD_MS);
  return fresh;
}

/** Deletes signed pre-keys retired at least `gracePeriodMs` ago; returns how many. */
export function pruneRetiredSignedPreKeys(store: SignedPreKeyStore, now: number, gracePeriodMs: number): number {
  const expired = store
    .listSignedPreKeys()
    .filter((k) => k.retiredAt !== undefined && now - k.retiredAt >= gracePeriodMs);
  for (const key of expired) store.deleteSignedPreKey(key.id);
  return expired.length;
}
