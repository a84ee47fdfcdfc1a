import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

const policy = { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0.5 };

describe('backoffDelay', () => {
  it('doubles the bound per attempt up to the maximum', () => {
    const noJitter = { ...policy, jitter: 0 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, noJitter))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('jitter only ever shortens the delay, by at most the jitter fraction', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(800);
    expect(backoffDelay(3, policy, () => 0.999999)).toBe(400);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(2, policy);
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
  });
});
