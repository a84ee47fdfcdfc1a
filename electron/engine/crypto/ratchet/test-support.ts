/** Helpers shared by the ratchet and OMEMO:2 wire tests (not used by production code). */
import type { AsymmetricBackend } from '../backend/types.js';
import { randomBytes } from '../primitives.js';
import { omemo2RatchetParams } from '../wire/omemo2/ratchet-params.js';
import { initActiveRatchet, initPassiveRatchet, ratchetDecrypt, ratchetEncrypt } from './double-ratchet.js';
import { encodeRatchetState } from './state-codec.js';
import type { RatchetState } from './state.js';
import type { RatchetParams } from './types.js';

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** One side of a session, holding its state the way the session layer will. */
export class Peer {
  constructor(
    readonly params: RatchetParams,
    public state: RatchetState,
  ) {}

  send(plaintext: string | Uint8Array): Uint8Array {
    const result = ratchetEncrypt(this.params, this.state, typeof plaintext === 'string' ? text(plaintext) : plaintext);
    this.state = result.state;
    return result.message;
  }

  receive(message: Uint8Array): string {
    const result = ratchetDecrypt(this.params, this.state, message);
    this.state = result.state;
    return new TextDecoder().decode(result.plaintext);
  }

  /** Expects `receive` to throw; returns the error and checks the state did not change. */
  rejects(message: Uint8Array): unknown {
    const before = encodeRatchetState(this.state);
    const stateObject = this.state;
    try {
      ratchetDecrypt(this.params, this.state, message);
    } catch (error) {
      if (this.state !== stateObject || !Buffer.from(encodeRatchetState(this.state)).equals(before)) {
        throw new Error('state changed on a rejected message', { cause: error });
      }
      return error;
    }
    throw new Error('message was accepted');
  }
}

export function newSession(
  backend: AsymmetricBackend,
  overrides: Partial<Omit<RatchetParams, 'backend'>> = {},
): { alice: Peer; bob: Peer; params: RatchetParams } {
  const params = { ...omemo2RatchetParams(backend), ...overrides };
  const sharedSecret = randomBytes(32);
  const associatedData = randomBytes(64);
  const bobSignedPreKey = backend.x25519GenerateKeyPair();
  return {
    params,
    alice: new Peer(params, initActiveRatchet(params, sharedSecret, bobSignedPreKey.publicKey, associatedData)),
    bob: new Peer(params, initPassiveRatchet(params, sharedSecret, bobSignedPreKey, associatedData)),
  };
}

/** A backend whose key generation replays fixed private keys (for known-answer runs). */
export function scriptedBackend(base: AsymmetricBackend, privateKeys: Uint8Array[]): AsymmetricBackend {
  const queue = [...privateKeys];
  return {
    ...base,
    x25519GenerateKeyPair() {
      const privateKey = queue.shift();
      if (!privateKey) throw new Error('scripted backend ran out of keys');
      return { privateKey, publicKey: base.x25519PublicKey(privateKey) };
    },
  };
}
