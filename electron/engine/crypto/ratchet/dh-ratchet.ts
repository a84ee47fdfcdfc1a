/**
 * The Diffie-Hellman ratchet step (Signal Double Ratchet §2.3, DHRatchet in §3.5): on a new
 * peer ratchet key, derive the receiving chain from DH(our key, their new key), then make a
 * fresh key pair and derive the sending chain from DH(fresh key, their new key).
 */
import { wipe } from '../bytes.js';
import { newReceivingChain, newSendingChain, type ReceivingChain, type SendingChain } from './chain-key.js';
import { advanceRootChain } from './root-chain.js';
import type { KeyPair, RatchetParams } from './types.js';

export interface DhRatchetStep {
  readonly rootKey: Uint8Array;
  readonly receiving: ReceivingChain;
  readonly sending: SendingChain;
  readonly ownRatchet: KeyPair;
}

/** One root-chain step over DH(ownPrivate, peerPublic). Throws CryptoError('weak-key') on a low-order key. */
export function rootStepWithDh(
  params: RatchetParams,
  rootKey: Uint8Array,
  ownPrivate: Uint8Array,
  peerPublic: Uint8Array,
): { rootKey: Uint8Array; chainKey: Uint8Array } {
  const dhOutput = params.backend.x25519(ownPrivate, peerPublic);
  try {
    return advanceRootChain(params.rootInfo, rootKey, dhOutput);
  } finally {
    wipe(dhOutput);
  }
}

export function dhRatchetStep(
  params: RatchetParams,
  rootKey: Uint8Array,
  ownRatchet: KeyPair,
  peerRatchetPublic: Uint8Array,
): DhRatchetStep {
  const toReceive = rootStepWithDh(params, rootKey, ownRatchet.privateKey, peerRatchetPublic);
  const freshRatchet = params.backend.x25519GenerateKeyPair();
  const toSend = rootStepWithDh(params, toReceive.rootKey, freshRatchet.privateKey, peerRatchetPublic);
  wipe(toReceive.rootKey);
  return {
    rootKey: toSend.rootKey,
    receiving: newReceivingChain(toReceive.chainKey),
    sending: newSendingChain(toSend.chainKey),
    ownRatchet: freshRatchet,
  };
}
