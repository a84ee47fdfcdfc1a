/**
 * Limits and recommended sizes of the key material a device publishes, in one place.
 * Sources: XEP-0384 v0.9 §4.2 (Key Exchange) and §5.3 (Announcing support).
 */

/** Device ids, signed pre-key ids and pre-key ids are in 1..2^31-1 (XEP-0384 §5.3.1, §5.3.2). */
export const MIN_KEY_ID = 1;
export const MAX_KEY_ID = 2 ** 31 - 1;

/** "The bundle SHOULD always contain around 100 PreKeys" (XEP-0384 §4.2). */
export const DEFAULT_PRE_KEY_COUNT = 100;

/** "The bundle MUST always contain at least 25 PreKeys" (XEP-0384 §4.2). */
export const MIN_PRE_KEY_COUNT = 25;

const DAY_MS = 24 * 60 * 60 * 1000;

/** "Signed PreKeys SHOULD be rotated periodically once a week to once a month" (XEP-0384 §4.2). */
export const SIGNED_PRE_KEY_ROTATION_PERIOD_MS = 7 * DAY_MS;

/**
 * "The private key of the old signed PreKey SHOULD be kept for another rotation period"
 * (XEP-0384 §4.2), so delayed key exchanges naming it still succeed.
 */
export const SIGNED_PRE_KEY_GRACE_PERIOD_MS = SIGNED_PRE_KEY_ROTATION_PERIOD_MS;

export const isValidKeyId = (id: number): boolean => Number.isInteger(id) && id >= MIN_KEY_ID && id <= MAX_KEY_ID;
