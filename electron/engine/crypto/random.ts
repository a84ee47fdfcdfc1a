/**
 * Uniform random integers from the CSPRNG. Rejection sampling, so no value is more likely
 * than another (a plain `random % n` would favour the low values).
 */
import { randomBytes } from './primitives.js';

const UINT32_RANGE = 2 ** 32;

function randomUint32(): number {
  const bytes = randomBytes(4);
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, false);
}

/** A uniform integer in 0..bound-1; bound must be in 1..2^32. */
export function randomIntBelow(bound: number): number {
  if (!Number.isInteger(bound) || bound < 1 || bound > UINT32_RANGE) {
    throw new RangeError('bound must be an integer in 1..2^32');
  }
  const limit = UINT32_RANGE - (UINT32_RANGE % bound);
  for (;;) {
    const value = randomUint32();
    if (value < limit) return value % bound;
  }
}

/** A uniform integer in min..max (inclusive). */
export function randomIntBetween(min: number, max: number): number {
  return min + randomIntBelow(max - min + 1);
}

/** One element of a non-empty list, chosen uniformly. */
export function randomElement<T>(items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('cannot choose from an empty list');
  return items[randomIntBelow(items.length)]!;
}
