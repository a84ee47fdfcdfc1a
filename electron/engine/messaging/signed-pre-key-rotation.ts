/**
 * Signed pre-key upkeep (XEP-0384 §4.2): "Signed PreKeys SHOULD be rotated periodically", and
 * the previous one is kept for a grace period "to account for delayed messages using the old
 * signed PreKey". The engine calls upkeep() at sign-in and on its periodic tick; a rotation
 * changes the bundle, which the engine then republishes.
 */
import { currentSignedPreKey, pruneRetiredSignedPreKeys } from '../crypto/prekeys.js';
import { SIGNED_PRE_KEY_GRACE_PERIOD_MS, SIGNED_PRE_KEY_ROTATION_PERIOD_MS } from '../crypto/limits.js';
import { rotateSignedPreKey, type ProtocolContext, type StoredSignedPreKey } from '../protocol/index.js';
import type { Logger } from './context.js';
import { reasonOf } from './errors.js';

export interface SignedPreKeyRotationOptions {
  /** The current signed pre-key is replaced once it is this old; default 7 days. */
  readonly rotationPeriodMs?: number;
  /** A replaced signed pre-key still answers key exchanges this long, then is deleted; default 7 days. */
  readonly gracePeriodMs?: number;
}

export interface SignedPreKeyRotationDeps {
  readonly protocol: ProtocolContext;
  /** Runs `fn` in one store transaction (Store.transaction). */
  transaction<T>(fn: () => T): T;
  readonly log: Logger;
}

interface Upkeep {
  /** The new signed pre-key's id, when one was made. */
  readonly rotatedTo?: number;
  readonly pruned: number;
  /** Nothing is due before this time. */
  readonly nextDueAt: number;
}

function checkPeriod(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min) throw new RangeError(`${name} must be a finite number of milliseconds, at least ${min}`);
  return value;
}

export class SignedPreKeyRotation {
  readonly #deps: SignedPreKeyRotationDeps;
  readonly #rotationPeriodMs: number;
  readonly #gracePeriodMs: number;
  /** Spares the store a read on every tick: nothing can be due before this. */
  #nextDueAt = Number.NEGATIVE_INFINITY;

  /** Throws RangeError for a rotation period that is not positive or a grace period that is negative. */
  constructor(deps: SignedPreKeyRotationDeps, options: SignedPreKeyRotationOptions = {}) {
    this.#deps = deps;
    this.#rotationPeriodMs = checkPeriod('the signed pre-key rotation period', options.rotationPeriodMs, SIGNED_PRE_KEY_ROTATION_PERIOD_MS, 1);
    this.#gracePeriodMs = checkPeriod('the signed pre-key grace period', options.gracePeriodMs, SIGNED_PRE_KEY_GRACE_PERIOD_MS, 0);
  }

  /**
   * Deletes retired signed pre-keys past the grace period and, when the current one has reached
   * the rotation period, replaces it — in one transaction. Returns true when the bundle changed
   * (republish it). A failure is logged and leaves the store as it was; the next call retries.
   */
  upkeep(): boolean {
    const now = this.#deps.protocol.now();
    if (now < this.#nextDueAt) return false;
    let result: Upkeep;
    try {
      result = this.#deps.transaction(() => this.#upkeepAt(now));
    } catch (error) {
      this.#deps.log(`signed-pre-key-rotation-failed reason=${reasonOf(error)}`);
      return false;
    }
    this.#nextDueAt = result.nextDueAt;
    if (result.rotatedTo !== undefined) this.#deps.log(`signed-pre-key-rotated id=${result.rotatedTo} pruned=${result.pruned}`);
    else if (result.pruned > 0) this.#deps.log(`signed-pre-key-pruned count=${result.pruned}`);
    return result.rotatedTo !== undefined;
  }

  #upkeepAt(now: number): Upkeep {
    const { protocol } = this.#deps;
    const { store } = protocol;
    // Pruned first and by our grace period: rotateSignedPreKey's own pruning then finds nothing more.
    const pruned = pruneRetiredSignedPreKeys(store, now, this.#gracePeriodMs);
    const current = currentSignedPreKey(store.listSignedPreKeys());
    let rotatedTo: number | undefined;
    if (!current || now - current.createdAt >= this.#rotationPeriodMs) {
      rotateSignedPreKey(protocol, { gracePeriodMs: this.#gracePeriodMs });
      rotatedTo = currentSignedPreKey(store.listSignedPreKeys())?.id;
    }
    const nextDueAt = this.#nextDueAfter(store.listSignedPreKeys());
    return { ...(rotatedTo !== undefined ? { rotatedTo } : {}), pruned, nextDueAt };
  }

  /** The earliest time a rotation or a deletion falls due. */
  #nextDueAfter(keys: readonly StoredSignedPreKey[]): number {
    const current = currentSignedPreKey(keys);
    let next = current ? current.createdAt + this.#rotationPeriodMs : Number.NEGATIVE_INFINITY;
    for (const key of keys) {
      if (key.retiredAt !== undefined) next = Math.min(next, key.retiredAt + this.#gracePeriodMs);
    }
    return next;
  }
}
