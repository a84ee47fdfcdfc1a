import { describe, expect, it } from 'vitest';
import { nobleBackend, nodeBackend, type AsymmetricBackend } from './backend/index.js';
import { bundleFromStore } from './bundle.js';
import { generateIdentityKeyPair } from './identity.js';
import { generatePreKeys, generateSignedPreKey } from './prekeys.js';
import { omemo2Wire } from './wire/omemo2/index.js';
import { x3dhActive, x3dhPassive } from './x3dh.js';
import { MemoryProtocolStore } from '../protocol/memory-store.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const filled = (byte: number): Uint8Array => new Uint8Array(32).fill(byte);
const code = (c: string) => expect.objectContaining({ code: c });

function bob(backend: AsymmetricBackend) {
  const store = new MemoryProtocolStore();
  const identity = generateIdentityKeyPair(backend);
  const own = { identitySeed: identity.seed, identityPublic: identity.publicKey };
  store.saveOwnIdentity({ jid: 'bob@example.org', deviceId: 2, ...own });
  store.saveSignedPreKey(generateSignedPreKey(backend, identity.seed, 1, 0));
  for (const key of generatePreKeys(backend, 5)) store.savePreKey(key);
  return { store, own };
}

function alice(backend: AsymmetricBackend) {
  const identity = generateIdentityKeyPair(backend);
  return { identitySeed: identity.seed, identityPublic: identity.publicKey };
}

describe('X3DH', () => {
  const pairs = [
    { a: nodeBackend, b: nodeBackend, label: 'node → node' },
    { a: nobleBackend, b: nobleBackend, label: 'noble → noble' },
    { a: nodeBackend, b: nobleBackend, label: 'node → noble' },
  ];
  it.each(pairs)('both sides derive the same secret and associated data ($label)', ({ a, b }) => {
    const bobSide = bob(b);
    const aliceSide = alice(a);
    const bundle = bundleFromStore(bobSide.store);
    const active = x3dhActive(omemo2Wire, a, aliceSide, bundle);
    expect(bundle.preKeys.map((k) => k.id)).toContain(active.header.pkId);
    expect(active.header.spkId).toBe(1);
    expect(active.peerSignedPreKey).toEqual(bundle.signedPreKey.publicKey);

    const passive = x3dhPassive(omemo2Wire, b, bobSide.own, active.header, bobSide.store);
    expect(hex(passive.sharedSecret)).toBe(hex(active.sharedSecret));
    expect(hex(passive.associatedData)).toBe(hex(active.associatedData));
    // AD = Encode(IK_A) || Encode(IK_B), both Ed25519 (XEP-0384 §4.2).
    expect(hex(active.associatedData)).toBe(hex(aliceSide.identityPublic) + hex(bobSide.own.identityPublic));
    expect(passive.preKeyId).toBe(active.header.pkId);
  });

  it('matches python-omemo’s twomemo X3DH byte for byte (fixed keys, both sides)', () => {
    // Vector: twomemo StateImpl (ED_25519, SHA-256, "OMEMO X3DH").get_shared_secret_passive with
    // Bob seed 11…, SPK 22…, OPK 33…, Alice seed 44…, ephemeral 55….
    const expectedSecret = '80273de51aaea6f85c8ca793a1a91eca487be7b0cb8668d66d568b2b7635d3b2';
    const ikA = 'd759793bbc13a2819a827c76adb6fba8a49aee007f49f2d0992d99b825ad2c48';
    const ikB = 'd04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737';
    for (const backend of [nodeBackend, nobleBackend]) {
      const store = new MemoryProtocolStore();
      const bobOwn = { identitySeed: filled(0x11), identityPublic: backend.ed25519PublicKey(filled(0x11)) };
      store.saveOwnIdentity({ jid: 'bob@example.org', deviceId: 2, ...bobOwn });
      const spk = { id: 1, privateKey: filled(0x22), publicKey: backend.x25519PublicKey(filled(0x22)) };
      store.saveSignedPreKey({ ...spk, signature: backend.ed25519Sign(bobOwn.identitySeed, spk.publicKey), createdAt: 0 });
      store.savePreKey({ id: 7, privateKey: filled(0x33), publicKey: backend.x25519PublicKey(filled(0x33)) });
      const aliceOwn = { identitySeed: filled(0x44), identityPublic: backend.ed25519PublicKey(filled(0x44)) };
      const ephemeral = { privateKey: filled(0x55), publicKey: backend.x25519PublicKey(filled(0x55)) };
      const fixedEphemeral: AsymmetricBackend = { ...backend, x25519GenerateKeyPair: () => ephemeral };

      const active = x3dhActive(omemo2Wire, fixedEphemeral, aliceOwn, bundleFromStore(store));
      expect(active.header).toMatchObject({ pkId: 7, spkId: 1, ek: ephemeral.publicKey });
      expect(hex(active.sharedSecret)).toBe(expectedSecret);
      expect(hex(active.associatedData)).toBe(ikA + ikB);

      const passive = x3dhPassive(omemo2Wire, backend, bobOwn, active.header, store);
      expect(hex(passive.sharedSecret)).toBe(expectedSecret);
      expect(hex(passive.associatedData)).toBe(ikA + ikB);
    }
  });

  it('passive side rejects an unknown signed pre-key or pre-key, and a consumed pre-key', () => {
    const bobSide = bob(nodeBackend);
    const active = x3dhActive(omemo2Wire, nodeBackend, alice(nodeBackend), bundleFromStore(bobSide.store));
    const passive = (header: typeof active.header) => () => x3dhPassive(omemo2Wire, nodeBackend, bobSide.own, header, bobSide.store);
    expect(passive({ ...active.header, spkId: 99 })).toThrowError(code('unknown-signed-pre-key'));
    expect(passive({ ...active.header, pkId: active.header.pkId + 1 })).toThrowError(code('unknown-pre-key'));
    bobSide.store.markPreKeyUsed(active.header.pkId, 1);
    expect(passive(active.header)).toThrowError(code('unknown-pre-key'));
  });
});
