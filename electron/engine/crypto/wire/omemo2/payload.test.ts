import { describe, expect, it } from 'vitest';
import { decryptPayload, emptyKeyMaterial, encryptPayload, PAYLOAD_KEY_LENGTH, PAYLOAD_MAC_LENGTH } from './payload.js';

const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

// Produced with python-omemo's primitives exactly as twomemo's encrypt_plaintext uses them
// (HKDF-SHA-256, zero salt, "OMEMO Payload", AES-256-CBC, HMAC-SHA-256 truncated to 16 bytes).
const VECTOR = {
  key: Uint8Array.from({ length: 32 }, (_, i) => i),
  plaintext: "<envelope xmlns='urn:xmpp:sce:1'><content><body xmlns='jabber:client'>hi</body></content></envelope>",
  ciphertext:
    'e9d48efe8bafa55e3142ff8594a8f7209afba46bf68b529895f2853e07f7071f8421df0aad9752be92752b494ae763f9' +
    '095679f452fee1652c998be65a8f89518a134f924fbccb9996c3ee6b84f3f085c4bdb8a5be6f35c1e060cd453d3db1ad' +
    '1a58bf52f738015b6f9060631e027bb7',
  mac: '0a0f266b2d481b3ecbaa1a691a2723b7',
};

describe('OMEMO:2 payload encryption', () => {
  it('decrypts a payload twomemo encrypted (key material = key || 16-byte mac)', () => {
    const keyMaterial = new Uint8Array([...VECTOR.key, ...fromHex(VECTOR.mac)]);
    expect(new TextDecoder().decode(decryptPayload(keyMaterial, fromHex(VECTOR.ciphertext)))).toBe(VECTOR.plaintext);
  });

  it('round-trips with a fresh key each time', () => {
    const plaintext = utf8('hello');
    const a = encryptPayload(plaintext);
    const b = encryptPayload(plaintext);
    expect(a.keyMaterial).toHaveLength(PAYLOAD_KEY_LENGTH + PAYLOAD_MAC_LENGTH);
    expect(Buffer.from(a.payload).equals(Buffer.from(b.payload))).toBe(false);
    expect(decryptPayload(a.keyMaterial, a.payload)).toEqual(plaintext);
  });

  it('rejects a flipped bit in the ciphertext or the mac', () => {
    const sealed = encryptPayload(utf8('tamper'));
    const payload = sealed.payload.slice();
    payload[0]! ^= 1;
    expect(() => decryptPayload(sealed.keyMaterial, payload)).toThrowError(expect.objectContaining({ code: 'bad-mac' }));
    const keyMaterial = sealed.keyMaterial.slice();
    keyMaterial[keyMaterial.length - 1]! ^= 1;
    expect(() => decryptPayload(keyMaterial, sealed.payload)).toThrowError(expect.objectContaining({ code: 'bad-mac' }));
  });

  it('rejects key material of the wrong length, such as an empty message’s 32 zero bytes', () => {
    const sealed = encryptPayload(utf8('x'));
    expect(() => decryptPayload(emptyKeyMaterial(), sealed.payload)).toThrowError(expect.objectContaining({ code: 'malformed' }));
    expect(emptyKeyMaterial()).toEqual(new Uint8Array(32));
  });
});
