import { describe, expect, it } from 'vitest';
import { nobleBackend, nodeBackend } from './backend/index.js';
import { generateIdentityKeyPair } from './identity.js';
import { isValidKeyId } from './limits.js';
import {
  currentSignedPreKey,
  generatePreKeys,
  generateSignedPreKey,
  replenishPreKeyPool,
  rotateSignedPreKeyInStore,
} from './prekeys.js';
import { MemoryProtocolStore } from '../protocol/memory-store.js';

const DAY = 24 * 60 * 60 * 1000;

describe('signed pre-keys', () => {
  it.each([nodeBackend, nobleBackend])('are signed by the identity key over the raw 32-byte X25519 public key ($name)', (backend) => {
    const identity = generateIdentityKeyPair(backend);
    const spk = generateSignedPreKey(backend, identity.seed, 1, 1000);
    expect(spk.publicKey).toHaveLength(32);
    expect(backend.x25519PublicKey(spk.privateKey)).toEqual(spk.publicKey);
    expect(nobleBackend.ed25519Verify(identity.publicKey, spk.publicKey, spk.signature)).toBe(true);
    expect(spk).toMatchObject({ id: 1, createdAt: 1000 });
  });

  it('rotation retires the previous key for the grace period, then deletes it', () => {
    const store = new MemoryProtocolStore();
    const identity = generateIdentityKeyPair(nodeBackend);
    store.saveSignedPreKey(generateSignedPreKey(nodeBackend, identity.seed, 1, 0));
    const rotate = (now: number) =>
      rotateSignedPreKeyInStore(store, { backend: nodeBackend, identitySeed: identity.seed, now, gracePeriodMs: 7 * DAY });

    const second = rotate(7 * DAY);
    expect(second.id).toBe(2);
    expect(currentSignedPreKey(store.listSignedPreKeys())?.id).toBe(2);
    expect(store.getSignedPreKey(1)?.retiredAt).toBe(7 * DAY);

    rotate(10 * DAY); // key 1 retired only 3 days ago: kept
    expect(store.listSignedPreKeys().map((k) => k.id).sort()).toEqual([1, 2, 3]);

    rotate(14 * DAY); // key 1 retired 7 days ago: gone; key 2 retired 4 days ago: kept
    expect(store.listSignedPreKeys().map((k) => k.id).sort()).toEqual([2, 3, 4]);
    expect(currentSignedPreKey(store.listSignedPreKeys())?.id).toBe(4);
  });
});

describe('one-time pre-keys', () => {
  it('get distinct valid ids that avoid the ids already taken', () => {
    const keys = generatePreKeys(nodeBackend, 100, [5, 6]);
    const ids = new Set(keys.map((k) => k.id));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(isValidKeyId(id)).toBe(true);
    expect(ids.has(5) || ids.has(6)).toBe(false);
  });

  it('replenishing tops the unused pool up to the target and reports what it added', () => {
    const store = new MemoryProtocolStore();
    for (const key of generatePreKeys(nodeBackend, 10)) store.savePreKey(key);
    const [first] = store.listPreKeys();
    store.markPreKeyUsed(first!.id, 1);
    expect(replenishPreKeyPool(store, nodeBackend, 10)).toBe(1);
    expect(store.listPreKeys().filter((k) => k.usedAt === undefined)).toHaveLength(10);
    expect(replenishPreKeyPool(store, nodeBackend, 10)).toBe(0);
  });
});
