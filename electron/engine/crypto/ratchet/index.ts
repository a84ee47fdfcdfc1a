/** The Double Ratchet: KDF chains → symmetric-key ratchet → DH ratchet → double ratchet. */
export { initActiveRatchet, initPassiveRatchet, ratchetDecrypt, ratchetEncrypt } from './double-ratchet.js';
export { decodeRatchetState, encodeRatchetState } from './state-codec.js';
export type { RatchetState } from './state.js';
export type { ReceivingChain, SendingChain } from './chain-key.js';
export type { SkippedKey } from './skipped-keys.js';
export type { KeyPair, MessageAead, RatchetHeader, RatchetParams } from './types.js';
