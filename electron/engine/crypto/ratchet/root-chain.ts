/**
 * The root chain (Signal Double Ratchet §2.3, KDF_RK in §5.2): each DH output is fed through
 * HKDF-SHA-256 with the current root key as salt, giving the next root key and a fresh chain
 * key. OMEMO:2 uses info "OMEMO Root Chain"; legacy OMEMO "WhisperRatchet" (injected).
 */
import { wipe } from '../bytes.js';
import { hkdfSha256, utf8 } from '../primitives.js';


export const ROOT_KEY_LENGTH = 32;
const CHAIN_KEY_LENGTH = 32;

export interface RootStep {
  readonly rootKey: Uint8Array;
  readonly chainKey: Uint8Array;
}

/** KDF_RK(rk, dh_out): the DH output is the input key material, the root key the salt. */
export function advanceRootChain(rootInfo: string, rootKey: Uint8Array, dhOutput: Uint8Array): RootStep {
  const output = hkdfSha256(dhOutput, rootKey, utf8(rootInfo), ROOT_KEY_LENGTH + CHAIN_KEY_LENGTH);
  const step = { rootKey: output.slice(0, ROOT_KEY_LENGTH), chainKey: output.slice(ROOT_KEY_LENGTH) };
  wipe(output);
  return step;
}
