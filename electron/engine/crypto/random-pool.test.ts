import { describe, expect, it } from 'vitest';
import { pooledRandomBytes } from './random-pool.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('pooled random bytes', () => {
  it('hands out pieces of the requested length that never repeat, across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const piece = pooledRandomBytes(32);
      expect(piece.length).toBe(32);
      seen.add(hex(piece));
    }
    expect(seen.size).toBe(2000);
  });

  it('gives each caller its own copy', () => {
    const a = pooledRandomBytes(16);
    const copy = a.slice();
    pooledRandomBytes(16);
    expect(a).toEqual(copy);
    expect(a.buffer.byteLength).toBe(16);
  });

  it('serves large and empty requests and refuses nonsense lengths', () => {
    const big = pooledRandomBytes(100_000);
    expect(big.length).toBe(100_000);
    expect(new Set(big).size).toBeGreaterThan(200); // not a zero-filled or constant buffer
    expect(pooledRandomBytes(0).length).toBe(0);
    expect(() => pooledRandomBytes(-1)).toThrow(RangeError);
    expect(() => pooledRandomBytes(1.5)).toThrow(RangeError);
  });
});
