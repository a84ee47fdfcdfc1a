/**
 * The Double Ratchet session state (Signal Double Ratchet §3.2 "State variables") as plain,
 * immutable data: the functions in double-ratchet.ts return a new state and never modify
 * one, so a message that fails to decrypt leaves the caller's state exactly as it was.
 * Byte arrays are shared between successive states and must be treated as read-only.
 */
import type { KeyPair } from './types.js';
import type { ReceivingChain, SendingChain } from './chain-key.js';
import type { SkippedKeys } from './skipped-keys.js';

export interface RatchetState {
  /** RK */
  readonly rootKey: Uint8Array;
  /** DHs: our current ratchet key pair (X25519). */
  readonly ownRatchet: KeyPair;
  /** DHr: the peer's current ratchet public key; null until the passive side receives. */
  readonly peerRatchetPublic: Uint8Array | null;
  /** The peer's ratchet key before DHr: messages under it can only come from skipped keys. */
  readonly previousPeerRatchetPublic: Uint8Array | null;
  /** CKs and Ns; null until the passive side receives its first message. */
  readonly sending: SendingChain | null;
  /** CKr and Nr; null until the first message from the peer's current ratchet key. */
  readonly receiving: ReceivingChain | null;
  /** PN: length of the previous sending chain. */
  readonly previousSendingLength: number;
  /** MKSKIPPED, oldest first. */
  readonly skipped: SkippedKeys;
  /** The X3DH associated data, authenticated with every message. */
  readonly associatedData: Uint8Array;
}
