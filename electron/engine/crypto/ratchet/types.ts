/**
 * The contract of the Double Ratchet (Signal spec "The Double Ratchet Algorithm"), with
 * everything protocol-specific injected, so one ratchet serves OMEMO:2 and legacy OMEMO 0.3.
 * Implementation: double-ratchet.ts (functions over plain-data state, never mutating input).
 */
import type { AsymmetricBackend, KeyPair } from '../backend/types.js';

export interface RatchetHeader {
  /** The sender's current ratchet public key (X25519, 32 bytes). */
  readonly dhPub: Uint8Array;
  /** Message number in the current sending chain. */
  readonly n: number;
  /** Length of the previous sending chain. */
  readonly pn: number;
}

/** Wire-format-specific message encoding and authenticated encryption under one message key. */
export interface MessageAead {
  /** Seal header + plaintext under a 32-byte message key (the chain's output), authenticating `ad`. */
  seal(messageKey: Uint8Array, ad: Uint8Array, header: RatchetHeader, plaintext: Uint8Array): Uint8Array;
  /** Read the (not yet authenticated) header, to find the message key. Throws CryptoError('malformed'). */
  parseHeader(message: Uint8Array): RatchetHeader;
  /** Verify (constant time) and decrypt. Throws CryptoError('bad-mac') and changes nothing. */
  open(messageKey: Uint8Array, ad: Uint8Array, message: Uint8Array): Uint8Array;
}

export interface RatchetParams {
  readonly backend: AsymmetricBackend;
  /** HKDF info of the root chain, e.g. "OMEMO Root Chain". */
  readonly rootInfo: string;
  readonly aead: MessageAead;
  /** Most message keys one message may make us skip (and store). */
  readonly maxSkip: number;
  /** Most skipped message keys kept per session; the oldest are dropped first. */
  readonly maxSkippedTotal: number;
}

export type { KeyPair };
