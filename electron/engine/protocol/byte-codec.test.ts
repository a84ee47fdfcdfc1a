import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from './byte-codec.js';

const malformed = expect.objectContaining({ code: 'malformed' });

describe('the record byte codec', () => {
  it('round-trips numbers and byte strings, growing past its first guess of the size', () => {
    const big = new Uint8Array(1000).map((_, i) => i & 0xff);
    const bytes = new ByteWriter(4).uint8(7).uint32(0xfffffffe).uint53(2 ** 53 - 1).uint53(0).bytes(big).finish();
    const r = new ByteReader(bytes);
    expect([r.uint8(), r.uint32(), r.uint53(), r.uint53()]).toEqual([7, 0xfffffffe, 2 ** 53 - 1, 0]);
    expect(r.bytes()).toEqual(big);
    r.end();
  });

  it('refuses numbers a record cannot hold, on both sides', () => {
    for (const bad of [-1, 1.5, 2 ** 53]) expect(() => new ByteWriter().uint53(bad)).toThrowError(malformed);
    const tooBig = new Uint8Array(8);
    tooBig[1] = 0x20; // 2^53 exactly
    expect(() => new ByteReader(tooBig).uint53()).toThrowError(malformed);
  });

  it('writes a header in place in front of a larger buffer and checks its length', () => {
    const target = new Uint8Array(10).fill(9);
    expect(ByteWriter.into(target).uint8(1).uint32(2).finishInPlace(5)).toBe(target);
    expect([...target]).toEqual([1, 0, 0, 0, 2, 9, 9, 9, 9, 9]);
    expect(() => ByteWriter.into(new Uint8Array(10)).uint8(1).finishInPlace(5)).toThrowError(malformed);
  });

  it('reports truncation and trailing bytes as malformed', () => {
    expect(() => new ByteReader(new Uint8Array(3)).uint32()).toThrowError(malformed);
    expect(() => new ByteReader(Uint8Array.of(0, 0, 0, 9, 1)).bytes()).toThrowError(malformed);
    const r = new ByteReader(new Uint8Array(2));
    r.uint8();
    expect(() => r.end()).toThrowError(malformed);
  });
});
