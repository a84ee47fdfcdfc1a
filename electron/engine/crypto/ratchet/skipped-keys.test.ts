import { describe, expect, it } from 'vitest';
import { addSkipped, findSkipped, withoutSkipped, type SkippedKey } from './skipped-keys.js';

const keyA = new Uint8Array(32).fill(1);
const keyB = new Uint8Array(32).fill(2);
const entry = (dhPub: Uint8Array, n: number): SkippedKey => ({ dhPub, n, messageKey: new Uint8Array(32).fill(n) });

describe('skipped message keys', () => {
  it('finds a key by ratchet public key (compared by value) and message number', () => {
    const list = [entry(keyA, 1), entry(keyB, 1), entry(keyA, 2)];
    expect(findSkipped(list, keyB.slice(), 1)).toBe(1);
    expect(findSkipped(list, keyA, 2)).toBe(2);
    expect(findSkipped(list, keyB, 2)).toBe(-1);
  });

  it('removes a used key without touching the input list', () => {
    const list = [entry(keyA, 1), entry(keyA, 2), entry(keyA, 3)];
    expect(withoutSkipped(list, 1).map((k) => k.n)).toEqual([1, 3]);
    expect(list).toHaveLength(3);
  });

  it('drops the oldest keys first beyond the per-session bound', () => {
    const list = [entry(keyA, 1), entry(keyA, 2)];
    const added = [entry(keyB, 0), entry(keyB, 1), entry(keyB, 2)];
    expect(addSkipped(list, added, 4).map((k) => [k.dhPub[0], k.n])).toEqual([
      [1, 2],
      [2, 0],
      [2, 1],
      [2, 2],
    ]);
    expect(addSkipped(list, added, 2).map((k) => k.n)).toEqual([1, 2]);
    expect(addSkipped(list, [], 1)).toBe(list);
  });
});
