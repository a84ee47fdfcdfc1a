/**
 * The Double Ratchet parameters of OMEMO:2 (XEP-0384 v0.9, "Double Ratchet"), as python-omemo's
 * twomemo backend uses them.
 */
import type { AsymmetricBackend } from '../../backend/types.js';
import type { RatchetParams } from '../../ratchet/types.js';
import { omemo2MessageAead } from './message-aead.js';

/** HKDF info of KDF_RK (twomemo RootChainKDFImpl._get_info). */
export const OMEMO2_ROOT_INFO = 'OMEMO Root Chain';

/**
 * Keys one message may make us skip. python-omemo's Twomemo backend defaults
 * max_num_per_message_skipped_keys to max_num_per_session_skipped_keys = 1000; matching it
 * means we accept exactly the gaps a python-omemo peer accepts.
 */
export const OMEMO2_MAX_SKIP = 1000;

/** Skipped keys kept per session, oldest dropped first (python-omemo default: 1000). */
export const OMEMO2_MAX_SKIPPED_TOTAL = 1000;

export function omemo2RatchetParams(backend: AsymmetricBackend): RatchetParams {
  return {
    backend,
    rootInfo: OMEMO2_ROOT_INFO,
    aead: omemo2MessageAead,
    maxSkip: OMEMO2_MAX_SKIP,
    maxSkippedTotal: OMEMO2_MAX_SKIPPED_TOTAL,
  };
}
