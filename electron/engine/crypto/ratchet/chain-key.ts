/**
 * The symmetric-key ratchet (Signal Double Ratchet §2.2, KDF_CK in §5.2): a chain key yields
 * one message key per step and is replaced by its successor, both by HMAC-SHA-256 over a
 * one-byte constant. Sending and receiving chains are distinct types (tagged by `kind`) so one
 * can never be passed where the other is expected.
 */
import { hmacSha256 } from '../primitives.js';

/** HMAC input that derives the message key (twomemo MESSAGE_CHAIN_CONSTANT[1], libsignal MESSAGE_KEY_SEED). */
export const MESSAGE_KEY_SEED = Uint8Array.of(0x01);
/** HMAC input that derives the next chain key (twomemo MESSAGE_CHAIN_CONSTANT[0], libsignal CHAIN_KEY_SEED). */
export const CHAIN_KEY_SEED = Uint8Array.of(0x02);

export const CHAIN_KEY_LENGTH = 32;

export interface SendingChain {
  readonly kind: 'sending';
  readonly chainKey: Uint8Array;
  /** Messages sent on this chain so far = the `n` of the next message. */
  readonly length: number;
}

export interface ReceivingChain {
  readonly kind: 'receiving';
  readonly chainKey: Uint8Array;
  /** Message keys derived from this chain so far = the `n` of the next expected message. */
  readonly length: number;
}

export function newSendingChain(chainKey: Uint8Array): SendingChain {
  return { kind: 'sending', chainKey, length: 0 };
}

export function newReceivingChain(chainKey: Uint8Array): ReceivingChain {
  return { kind: 'receiving', chainKey, length: 0 };
}

interface ChainStep {
  readonly nextChainKey: Uint8Array;
  readonly messageKey: Uint8Array;
}

function stepChainKey(chainKey: Uint8Array): ChainStep {
  return {
    messageKey: hmacSha256(chainKey, MESSAGE_KEY_SEED),
    nextChainKey: hmacSha256(chainKey, CHAIN_KEY_SEED),
  };
}

/** The message key for message number `chain.length`, and the chain advanced past it. */
export function nextSendingKey(chain: SendingChain): { chain: SendingChain; messageKey: Uint8Array } {
  const { nextChainKey, messageKey } = stepChainKey(chain.chainKey);
  return { chain: { kind: 'sending', chainKey: nextChainKey, length: chain.length + 1 }, messageKey };
}

/** The message key for message number `chain.length`, and the chain advanced past it. */
export function nextReceivingKey(chain: ReceivingChain): { chain: ReceivingChain; messageKey: Uint8Array } {
  const { nextChainKey, messageKey } = stepChainKey(chain.chainKey);
  return { chain: { kind: 'receiving', chainKey: nextChainKey, length: chain.length + 1 }, messageKey };
}
