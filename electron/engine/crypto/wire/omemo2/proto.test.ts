import { describe, expect, it } from 'vitest';
import vectors from '../../ratchet/fixtures/twomemo-vectors.json' with { type: 'json' };
import { fromHex, toHex } from '../../ratchet/test-support.js';
import {
  decodeAuthenticatedMessage,
  decodeKeyExchange,
  decodeOmemoMessage,
  encodeAuthenticatedMessage,
  encodeKeyExchange,
  encodeOmemoMessage,
} from './proto.js';

const key = (b: number): Uint8Array => new Uint8Array(32).fill(b);

function expectMalformed(f: () => unknown): void {
  expect(f).toThrowError(expect.objectContaining({ code: 'malformed' }));
}

describe('OMEMO:2 protobuf messages', () => {
  it('encodes an OMEMOKeyExchange byte-identically to twomemo and decodes it back', () => {
    const v = vectors.keyExchange;
    const wire = encodeKeyExchange({
      pkId: v.pkId,
      spkId: v.spkId,
      ik: fromHex(v.ik),
      ek: fromHex(v.ek),
      message: fromHex(v.authenticated),
    });
    expect(toHex(wire)).toBe(v.wire);
    const decoded = decodeKeyExchange(fromHex(v.wire));
    expect(decoded).toEqual({ pkId: v.pkId, spkId: v.spkId, ik: fromHex(v.ik), ek: fromHex(v.ek), message: fromHex(v.authenticated) });
    expect(decoded.ik).toBeInstanceOf(Uint8Array);
  });

  it('round-trips OMEMOMessage with and without ciphertext (optional field)', () => {
    const full = { n: 4294967295, pn: 7, dhPub: key(3), ciphertext: Uint8Array.of(1, 2, 3) };
    expect(decodeOmemoMessage(encodeOmemoMessage(full))).toEqual(full);
    const headerOnly = { n: 0, pn: 0, dhPub: key(4) };
    const decoded = decodeOmemoMessage(encodeOmemoMessage(headerOnly));
    expect(decoded).toEqual(headerOnly);
    expect('ciphertext' in decoded).toBe(false);
  });

  it('round-trips OMEMOAuthenticatedMessage', () => {
    const m = { mac: new Uint8Array(16).fill(9), message: Uint8Array.of(8, 1) };
    expect(decodeAuthenticatedMessage(encodeAuthenticatedMessage(m))).toEqual(m);
  });

  it('rejects missing required fields (proto2)', () => {
    expectMalformed(() => decodeOmemoMessage(Uint8Array.of(0x08, 0x01, 0x10, 0x02))); // no dh_pub
    expectMalformed(() => decodeAuthenticatedMessage(Uint8Array.of(0x12, 0x00))); // no mac
    expectMalformed(() => decodeKeyExchange(new Uint8Array(0)));
  });

  it('rejects wrong field sizes on decode and encode', () => {
    const shortKey = encodeOmemoMessage({ n: 1, pn: 0, dhPub: key(1) }).slice();
    shortKey[shortKey.length - 33] = 31; // dh_pub length prefix
    expectMalformed(() => decodeOmemoMessage(shortKey.subarray(0, shortKey.length - 1)));
    expectMalformed(() => encodeOmemoMessage({ n: 1, pn: 0, dhPub: new Uint8Array(33) }));
    expectMalformed(() => encodeAuthenticatedMessage({ mac: new Uint8Array(32), message: new Uint8Array(1) }));
    expectMalformed(() => encodeOmemoMessage({ n: -1, pn: 0, dhPub: key(1) }));
    expectMalformed(() => encodeOmemoMessage({ n: 2 ** 32, pn: 0, dhPub: key(1) }));
    const v = vectors.keyExchange;
    const kex = { pkId: 1, spkId: 1, ik: fromHex(v.ik), ek: new Uint8Array(31), message: fromHex(v.authenticated) };
    expectMalformed(() => encodeKeyExchange(kex));
  });

  it('rejects truncated and garbage input', () => {
    const wire = fromHex(vectors.keyExchange.wire);
    for (let length = 0; length < wire.length; length++) expectMalformed(() => decodeKeyExchange(wire.subarray(0, length)));
    expectMalformed(() => decodeAuthenticatedMessage(Uint8Array.of(0xff, 0xff, 0xff)));
  });
});
