/**
 * Random bytes from the platform CSPRNG (crypto.getRandomValues), read 4 KiB at a time.
 * Each call to the CSPRNG costs about 5 us here whatever its size, and a message or ratchet
 * step wants several small pieces (key pairs, payload keys), so small requests are cut from
 * a pooled block instead; each piece is handed out once and zeroed in the pool at once, as
 * Node does for randomUUID. Large requests go to the CSPRNG directly.
 */
const POOL_SIZE = 4096;
const MAX_POOLED = 256;

const pool: Uint8Array<ArrayBuffer> = new Uint8Array(POOL_SIZE);
let offset = POOL_SIZE;

export function pooledRandomBytes(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('length must be a non-negative integer');
  if (length > MAX_POOLED) return fillRandom(new Uint8Array(length));
  if (offset + length > POOL_SIZE) {
    fillRandom(pool);
    offset = 0;
  }
  const out = pool.slice(offset, offset + length);
  pool.fill(0, offset, offset + length);
  offset += length;
  return out;
}

/** getRandomValues fills at most 65,536 bytes per call. */
function fillRandom(target: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  for (let i = 0; i < target.length; i += 65536) globalThis.crypto.getRandomValues(target.subarray(i, i + 65536));
  return target;
}
