import { describe, expect, it } from 'vitest';
import { nobleBackend, nodeBackend } from './backend/index.js';
import { bundleFromStore, validateBundle } from './bundle.js';
import { generateIdentityKeyPair } from './identity.js';
import { generatePreKeys, generateSignedPreKey } from './prekeys.js';
import { MemoryProtocolStore } from '../protocol/memory-store.js';
import type { Bundle } from '../protocol/types.js';

function ownBundle(): Bundle {
  const store = new MemoryProtocolStore();
  const identity = generateIdentityKeyPair(nodeBackend);
  store.saveOwnIdentity({ jid: 'juliet@capulet.lit', deviceId: 31415, identitySeed: identity.seed, identityPublic: identity.publicKey });
  store.saveSignedPreKey(generateSignedPreKey(nodeBackend, identity.seed, 1, 0));
  for (const key of generatePreKeys(nodeBackend, 3)) store.savePreKey(key);
  return bundleFromStore(store);
}

const code = (c: string) => expect.objectContaining({ code: c });

describe('bundles', () => {
  it.each([nodeBackend, nobleBackend])('built from the store validate ($name)', (backend) => {
    const bundle = ownBundle();
    expect(bundle.deviceId).toBe(31415);
    expect(bundle.preKeys).toHaveLength(3);
    expect(() => validateBundle(bundle, backend)).not.toThrow();
  });

  it('leave out pre-keys a key exchange consumed', () => {
    const store = new MemoryProtocolStore();
    const identity = generateIdentityKeyPair(nodeBackend);
    store.saveOwnIdentity({ jid: 'a@b', deviceId: 1, identitySeed: identity.seed, identityPublic: identity.publicKey });
    store.saveSignedPreKey(generateSignedPreKey(nodeBackend, identity.seed, 1, 0));
    const keys = generatePreKeys(nodeBackend, 3);
    for (const key of keys) store.savePreKey(key);
    store.markPreKeyUsed(keys[0]!.id, 5);
    expect(bundleFromStore(store).preKeys.map((k) => k.id)).not.toContain(keys[0]!.id);
  });

  it.each([nodeBackend, nobleBackend])('with a bad signed pre-key signature are rejected ($name)', (backend) => {
    const bundle = ownBundle();
    const signature = bundle.signedPreKey.signature.slice();
    signature[10]! ^= 0x40;
    expect(() => validateBundle({ ...bundle, signedPreKey: { ...bundle.signedPreKey, signature } }, backend)).toThrowError(
      code('bad-signature'),
    );
  });

  it('whose signed pre-key was swapped for another key are rejected', () => {
    const bundle = ownBundle();
    const publicKey = nodeBackend.x25519GenerateKeyPair().publicKey;
    expect(() => validateBundle({ ...bundle, signedPreKey: { ...bundle.signedPreKey, publicKey } }, nodeBackend)).toThrowError(
      code('bad-signature'),
    );
  });

  it('signed by a different identity key are rejected', () => {
    const bundle = ownBundle();
    const identityKey = generateIdentityKeyPair(nodeBackend).publicKey;
    expect(() => validateBundle({ ...bundle, identityKey }, nodeBackend)).toThrowError(code('bad-signature'));
  });

  it('that are malformed are rejected as invalid', () => {
    const bundle = ownBundle();
    const cases: Bundle[] = [
      { ...bundle, preKeys: [] },
      { ...bundle, deviceId: 0 },
      { ...bundle, identityKey: new Uint8Array(32).fill(0xff) },
      { ...bundle, identityKey: Uint8Array.of(2, ...new Uint8Array(31)) }, // canonical y = 2, but no point
      { ...bundle, signedPreKey: { ...bundle.signedPreKey, id: 2 ** 31 } },
      { ...bundle, signedPreKey: { ...bundle.signedPreKey, publicKey: new Uint8Array(33) } },
      { ...bundle, preKeys: [bundle.preKeys[0]!, { ...bundle.preKeys[1]!, id: bundle.preKeys[0]!.id }] },
      { ...bundle, preKeys: [{ id: 9, publicKey: new Uint8Array(31) }] },
    ];
    for (const bad of cases) expect(() => validateBundle(bad, nodeBackend)).toThrowError(code('invalid-bundle'));
  });
});
