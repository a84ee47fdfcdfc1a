/**
 * HMAC-SHA-256 and HKDF-SHA-256 on node:crypto (OpenSSL) for the per-message path.
 *
 * Why not primitives.ts (noble): a message costs ~10 HMAC computations per side, and noble's
 * pure-JS SHA-256 took ~2x as long per HMAC as node:crypto here, which alone kept the ratchet
 * below its throughput target. Results are identical (RFC 2104 / RFC 5869): the known-answer
 * tests against twomemo and against primitives.ts prove it (native-kdf.test.ts).
 */
import { createHmac } from 'node:crypto';

const asUint8Array = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** HMAC-SHA-256(key, data[0] ‖ data[1] ‖ …) without concatenating the parts. */
export function hmacSha256Native(key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
  const mac = createHmac('sha256', key);
  for (const part of data) mac.update(part);
  return asUint8Array(mac.digest());
}

const HASH_LENGTH = 32;
const MAX_OUTPUT = 255 * HASH_LENGTH;

/** HKDF-SHA-256 (RFC 5869) extract-then-expand. An empty salt means 32 zero bytes, per the RFC. */
export function hkdfSha256Native(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > MAX_OUTPUT) throw new RangeError('invalid HKDF length');
  const prk = hmacSha256Native(salt.length === 0 ? new Uint8Array(HASH_LENGTH) : salt, ikm);
  const okm = new Uint8Array(length);
  let previous = new Uint8Array(0);
  const counter = new Uint8Array(1);
  for (let offset = 0, i = 1; offset < length; offset += HASH_LENGTH, i++) {
    counter[0] = i;
    const block = hmacSha256Native(prk, previous, info, counter);
    okm.set(block.subarray(0, Math.min(HASH_LENGTH, length - offset)), offset);
    previous.fill(0);
    previous = block;
  }
  previous.fill(0);
  prk.fill(0);
  return okm;
}
