import { describe, expect, it } from 'vitest';
import { nobleBackend, nodeBackend } from '../backend/index.js';
import { CryptoError } from '../errors.js';
import { decodeRatchetState, encodeRatchetState } from './state-codec.js';
import { newSession, Peer } from './test-support.js';

function reload(peer: Peer): Peer {
  return new Peer(peer.params, decodeRatchetState(encodeRatchetState(peer.state)));
}

function expectMalformed(bytes: Uint8Array): void {
  expect(() => decodeRatchetState(bytes)).toThrowError(expect.objectContaining({ code: 'malformed' }));
}

for (const backend of [nodeBackend, nobleBackend]) {
  describe(`ratchet state encoding (${backend.name} backend)`, () => {
    it('round-trips a mid-conversation state with skipped keys on two chains, and the session continues', () => {
      const { alice, bob } = newSession(backend);
      const first = [0, 1, 2].map((i) => alice.send(`m${i}`));
      bob.receive(first[0]!);
      alice.receive(bob.send('r'));
      const second = [3, 4, 5].map((i) => alice.send(`m${i}`));
      bob.receive(second[2]!); // skipped: m1, m2 (old chain), m3, m4 (new chain)
      expect(bob.state.skipped).toHaveLength(4);

      const bob2 = reload(bob);
      expect(bob2.state).toEqual(bob.state);
      expect(encodeRatchetState(bob2.state)).toEqual(encodeRatchetState(bob.state));
      const alice2 = reload(alice);
      const all = [...first, ...second];
      for (const i of [3, 1, 4, 2]) expect(bob2.receive(all[i]!)).toBe(`m${i}`);
      expect(alice2.receive(bob2.send('after reload'))).toBe('after reload');
      expect(bob2.receive(alice2.send('and back'))).toBe('and back');
    });

    it('round-trips the passive side before its first message', () => {
      const { alice, bob } = newSession(backend);
      const bob2 = reload(bob);
      expect(bob2.state).toEqual(bob.state);
      expect(bob2.receive(alice.send('hello'))).toBe('hello');
    });

    it('decodes into fresh arrays that do not alias the stored bytes', () => {
      const { alice } = newSession(backend);
      const bytes = encodeRatchetState(alice.state);
      const decoded = decodeRatchetState(bytes);
      bytes.fill(0);
      expect(decoded).toEqual(alice.state);
    });
  });
}

describe('ratchet state decoding rejects malformed input', () => {
  const { alice, bob } = newSession(nodeBackend);
  bob.receive(alice.send('a'));
  alice.send('lost for now');
  bob.receive(alice.send('c')); // one skipped key
  const good = encodeRatchetState(bob.state);

  it('rejects every truncation', () => {
    for (let length = 0; length < good.length; length++) expectMalformed(good.subarray(0, length));
  });

  it('rejects trailing bytes, an unknown version and unknown flags', () => {
    expectMalformed(Uint8Array.of(...good, 0));
    expectMalformed(Uint8Array.of(2, ...good.subarray(1)));
    expectMalformed(Uint8Array.of(good[0]!, good[1]! | 0x10, ...good.subarray(2)));
  });

  it('rejects a skipped key that refers to an unknown ratchet key', () => {
    const bad = good.slice();
    const entry = bad.length - (2 + 4 + 32);
    bad[entry] = 0xff; // key index high byte
    expectMalformed(bad);
  });

  it('rejects non-bytes', () => {
    expect(() => decodeRatchetState('x' as unknown as Uint8Array)).toThrow(CryptoError);
  });
});
