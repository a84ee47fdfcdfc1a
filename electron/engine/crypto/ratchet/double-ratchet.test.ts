import { describe, expect, it } from 'vitest';
import { nobleBackend, nodeBackend } from '../backend/index.js';
import { CryptoError, type CryptoErrorCode } from '../errors.js';
import { randomBytes } from '../primitives.js';
import { initActiveRatchet, initPassiveRatchet, ratchetDecrypt, ratchetEncrypt } from './double-ratchet.js';
import { encodeRatchetState } from './state-codec.js';
import { newSession, text, type Peer } from './test-support.js';

function expectCode(error: unknown, ...codes: CryptoErrorCode[]): void {
  expect(error).toBeInstanceOf(CryptoError);
  expect(codes).toContain((error as CryptoError).code);
}

function deliver(to: Peer, messages: Uint8Array[], order: number[], label: string): void {
  for (const i of order) expect(to.receive(messages[i]!)).toBe(`${label}${i}`);
}

for (const backend of [nodeBackend, nobleBackend]) {
  describe(`double ratchet (${backend.name} backend)`, () => {
    it('delivers in order in both directions across several DH ratchet steps', () => {
      const { alice, bob } = newSession(backend);
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 3; i++) expect(bob.receive(alice.send(`a${round}.${i}`))).toBe(`a${round}.${i}`);
        for (let i = 0; i < 2; i++) expect(alice.receive(bob.send(`b${round}.${i}`))).toBe(`b${round}.${i}`);
      }
    });

    it('decrypts messages delivered out of order within one chain (5,1,3,2,4)', () => {
      const { alice, bob } = newSession(backend);
      const sent = [0, 1, 2, 3, 4].map((i) => alice.send(`m${i}`));
      deliver(bob, sent, [4, 0, 2, 1, 3], 'm');
      expect(bob.state.skipped).toHaveLength(0);
    });

    it('decrypts messages delivered out of order across DH ratchet steps', () => {
      const { alice, bob } = newSession(backend);
      const first = [0, 1, 2].map((i) => alice.send(`m${i}`));
      expect(bob.receive(first[0]!)).toBe('m0');
      const replies = [0, 1, 2].map((i) => bob.send(`r${i}`));
      expect(alice.receive(replies[2]!)).toBe('r2'); // Alice ratchets
      const second = [3, 4].map((i) => alice.send(`m${i}`));
      const all = [...first, ...second];
      deliver(bob, all, [4, 2, 3, 1], 'm'); // Bob ratchets on m4, keeping m1, m2 (old chain) and m3
      deliver(alice, replies, [0, 1], 'r');
      expect(bob.state.skipped).toHaveLength(0);
      expect(alice.state.skipped).toHaveLength(0);
      expect(bob.receive(alice.send('after'))).toBe('after');
      expect(alice.receive(bob.send('after'))).toBe('after');
    });

    it('rejects a gap above maxSkip with the session intact and still working', () => {
      const { alice, bob } = newSession(backend);
      const sent = Array.from({ length: 1002 }, (_, i) => alice.send(`m${i}`));
      expectCode(bob.rejects(sent[1001]!), 'too-many-skipped'); // would skip 1001 keys > 1000
      expect(bob.receive(sent[1000]!)).toBe('m1000'); // skips exactly 1000: allowed
      expect(bob.receive(sent[1001]!)).toBe('m1001');
      expect(bob.receive(sent[3]!)).toBe('m3');
      expect(alice.receive(bob.send('still working'))).toBe('still working');
    });

    it('rejects a new ratchet key whose first message would skip more than maxSkip, before any DH', () => {
      const { alice, bob } = newSession(backend, { maxSkip: 3 });
      const sent = Array.from({ length: 5 }, (_, i) => alice.send(`m${i}`));
      expectCode(bob.rejects(sent[4]!), 'too-many-skipped');
      deliver(bob, sent, [3, 0], 'm');
    });

    it('rejects a replayed message on the current chain', () => {
      const { alice, bob } = newSession(backend);
      const m = alice.send('once');
      expect(bob.receive(m)).toBe('once');
      expectCode(bob.rejects(m), 'replay');
    });

    it('rejects a replayed out-of-order message whose skipped key was used', () => {
      const { alice, bob } = newSession(backend);
      const sent = [0, 1, 2].map((i) => alice.send(`m${i}`));
      deliver(bob, sent, [2, 0], 'm');
      expectCode(bob.rejects(sent[0]!), 'replay');
      expectCode(bob.rejects(sent[2]!), 'replay');
      deliver(bob, sent, [1], 'm');
    });

    it('rejects a replayed message from the previous receiving chain', () => {
      const { alice, bob } = newSession(backend);
      const old = alice.send('old');
      expect(bob.receive(old)).toBe('old');
      expect(alice.receive(bob.send('reply'))).toBe('reply');
      expect(bob.receive(alice.send('new chain'))).toBe('new chain');
      expectCode(bob.rejects(old), 'replay');
    });

    it('rejects every single-bit flip of a message (ciphertext, MAC, header fields) without changing state', () => {
      const { alice, bob } = newSession(backend);
      expect(bob.receive(alice.send('warm up'))).toBe('warm up');
      expect(alice.receive(bob.send('reply'))).toBe('reply');
      const message = alice.send('tamper with me, please');
      for (let i = 0; i < message.length; i++) {
        for (const bit of [0x01, 0x80]) {
          const tampered = message.slice();
          tampered[i]! ^= bit;
          expectCode(bob.rejects(tampered), 'bad-mac', 'malformed', 'replay', 'too-many-skipped', 'weak-key');
        }
      }
      expect(bob.receive(message)).toBe('tamper with me, please');
    });

    it('rejects a message under different associated data with bad-mac', () => {
      const { alice, bob, params } = newSession(backend);
      const other = { ...bob.state, associatedData: randomBytes(64) };
      expect(() => ratchetDecrypt(params, other, alice.send('x'))).toThrowError(
        expect.objectContaining({ code: 'bad-mac' }),
      );
    });

    it('bounds stored skipped keys per session, dropping the oldest first', () => {
      const { alice, bob } = newSession(backend, { maxSkip: 10, maxSkippedTotal: 5 });
      const sent = Array.from({ length: 8 }, (_, i) => alice.send(`m${i}`));
      expect(bob.receive(sent[7]!)).toBe('m7'); // skips m0..m6, keeps m2..m6
      expect(bob.state.skipped.map((k) => k.n)).toEqual([2, 3, 4, 5, 6]);
      expectCode(bob.rejects(sent[0]!), 'replay');
      expectCode(bob.rejects(sent[1]!), 'replay');
      deliver(bob, sent, [6, 2, 5, 3, 4], 'm');
      expect(bob.state.skipped).toHaveLength(0);
    });

    it('keeps the keys left on the old chain (up to pn) when the peer ratchets', () => {
      const { alice, bob } = newSession(backend);
      const first = [0, 1, 2].map((i) => alice.send(`m${i}`));
      expect(bob.receive(first[0]!)).toBe('m0');
      expect(alice.receive(bob.send('r'))).toBe('r');
      expect(bob.receive(alice.send('new'))).toBe('new'); // pn = 3: keys of m1, m2 kept
      expect(bob.state.skipped.map((k) => k.n)).toEqual([1, 2]);
      deliver(bob, first, [2, 1], 'm');
    });

    it('forgoes (without failing) old-chain keys when pn is more than maxSkip ahead, as python-doubleratchet does', () => {
      const { alice, bob } = newSession(backend, { maxSkip: 4 });
      const first = Array.from({ length: 7 }, (_, i) => alice.send(`m${i}`));
      expect(bob.receive(first[0]!)).toBe('m0');
      expect(alice.receive(bob.send('r'))).toBe('r');
      expect(bob.receive(alice.send('new'))).toBe('new'); // pn = 7: 6 keys > maxSkip
      expect(bob.state.skipped).toHaveLength(0);
      expectCode(bob.rejects(first[3]!), 'replay');
      expect(alice.receive(bob.send('still fine'))).toBe('still fine');
    });

    it('refuses to encrypt on the passive side before its first message arrives', () => {
      const { bob, params } = newSession(backend);
      expect(() => ratchetEncrypt(params, bob.state, text('too early'))).toThrowError(
        expect.objectContaining({ code: 'no-session' }),
      );
    });

    it('never mutates the state it is given', () => {
      const { alice, bob, params } = newSession(backend);
      const aliceBefore = encodeRatchetState(alice.state);
      const sent = ratchetEncrypt(params, alice.state, text('pure'));
      expect(encodeRatchetState(alice.state)).toEqual(aliceBefore);
      const bobBefore = encodeRatchetState(bob.state);
      ratchetDecrypt(params, bob.state, sent.message);
      expect(encodeRatchetState(bob.state)).toEqual(bobBefore);
      // The same input state decrypts the same message again (the caller decides what to keep).
      expect(new TextDecoder().decode(ratchetDecrypt(params, bob.state, sent.message).plaintext)).toBe('pure');
    });

    it('validates the initial key material', () => {
      const { params } = newSession(backend);
      const pair = backend.x25519GenerateKeyPair();
      const ad = randomBytes(64);
      expect(() => initActiveRatchet(params, randomBytes(31), pair.publicKey, ad)).toThrow(CryptoError);
      expect(() => initActiveRatchet(params, randomBytes(32), randomBytes(33), ad)).toThrow(CryptoError);
      expect(() => initPassiveRatchet(params, randomBytes(16), pair, ad)).toThrow(CryptoError);
    });

    it('survives a long one-way run and a long ping-pong run', () => {
      const { alice, bob } = newSession(backend);
      for (let i = 0; i < 1000; i++) expect(bob.receive(alice.send(`one-way ${i}`))).toBe(`one-way ${i}`);
      const steps = backend.name === 'node' ? 200 : 60;
      for (let i = 0; i < steps; i++) {
        const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice];
        expect(to.receive(from.send(`ping-pong ${i}`))).toBe(`ping-pong ${i}`);
      }
    });
  });
}
