/**
 * Message keys of messages not yet received (Signal Double Ratchet §2.6 "Out-of-order
 * messages"), stored by (sender ratchet public key, n). The list is kept oldest first so the
 * per-session bound drops the oldest keys first, as python-doubleratchet does.
 */
import { equalBytes, wipe } from '../bytes.js';
import { nextReceivingKey, type ReceivingChain } from './chain-key.js';

export interface SkippedKey {
  readonly dhPub: Uint8Array;
  readonly n: number;
  readonly messageKey: Uint8Array;
}

export type SkippedKeys = readonly SkippedKey[];

/** Index of the stored key for (dhPub, n), or -1. Ratchet public keys are public: no timing concern. */
export function findSkipped(skipped: SkippedKeys, dhPub: Uint8Array, n: number): number {
  for (let i = 0; i < skipped.length; i++) {
    const entry = skipped[i]!;
    if (entry.n === n && equalBytes(entry.dhPub, dhPub)) return i;
  }
  return -1;
}

/** A used key is deleted (a second message with the same (dhPub, n) is then a replay). */
export function withoutSkipped(skipped: SkippedKeys, index: number): SkippedKeys {
  return [...skipped.slice(0, index), ...skipped.slice(index + 1)];
}

/** Appends newly skipped keys and drops the oldest beyond `maxTotal`. */
export function addSkipped(skipped: SkippedKeys, added: SkippedKeys, maxTotal: number): SkippedKeys {
  if (added.length === 0) return skipped;
  const all = skipped.length === 0 ? added : [...skipped, ...added];
  const excess = all.length - maxTotal;
  return excess > 0 ? all.slice(excess) : all;
}

export interface ChainAdvance {
  readonly chain: ReceivingChain;
  /** Keys of messages `chain.length .. until - 1` of the input chain, in order. */
  readonly skipped: SkippedKey[];
}

/**
 * Advances a receiving chain to message number `until`, keeping the keys passed over.
 * The caller has checked the gap against MAX_SKIP. Chain keys in between are wiped.
 */
export function skipTo(chain: ReceivingChain, dhPub: Uint8Array, until: number): ChainAdvance {
  const skipped: SkippedKey[] = [];
  let current = chain;
  while (current.length < until) {
    const step = nextReceivingKey(current);
    skipped.push({ dhPub, n: current.length, messageKey: step.messageKey });
    if (current !== chain) wipe(current.chainKey);
    current = step.chain;
  }
  return { chain: current, skipped };
}

export function wipeSkipped(skipped: SkippedKeys): void {
  for (const entry of skipped) wipe(entry.messageKey);
}
