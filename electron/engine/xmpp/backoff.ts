/**
 * Reconnect delays: exponential backoff with "full jitter" so many clients dropped by one
 * server restart do not all come back in the same instant.
 */

export interface BackoffPolicy {
  /** Delay bound before the first retry. */
  readonly initialDelayMs: number;
  /** Upper bound of any delay. */
  readonly maxDelayMs: number;
  /** Growth of the bound per failed attempt. */
  readonly factor: number;
  /** 0 = no jitter (always the bound), 1 = uniform in [0, bound]. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialDelayMs: 500, maxDelayMs: 60_000, factor: 2, jitter: 0.5 };

/** Delay before retry number `attempt` (0-based); `random` in [0, 1). */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const bound = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** Math.max(0, attempt));
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  return Math.round(bound * (1 - jitter * random()));
}
