import { describe, expect, it } from 'vitest';
import vectors from '../../ratchet/fixtures/twomemo-vectors.json' with { type: 'json' };
import { fromHex, toHex } from '../../ratchet/test-support.js';
import { nodeBackend } from '../../backend/index.js';
import { hkdfSha256, hmacSha256 } from '../../primitives.js';
import { omemo2MessageAead } from './message-aead.js';
import { encodeAuthenticatedMessage, encodeOmemoMessage } from './proto.js';
import { OMEMO2_MAX_SKIP, OMEMO2_ROOT_INFO, omemo2RatchetParams } from './ratchet-params.js';

const v = vectors.aead;
const messageKey = fromHex(v.messageKey);
const ad = fromHex(v.associatedData);
const header = { n: v.n, pn: v.pn, dhPub: fromHex(v.dhPub) };

describe('OMEMO:2 message AEAD', () => {
  it('seals byte-identically to twomemo AEADImpl (HKDF "OMEMO Message Key Material", 16-byte MAC over AD ‖ OMEMOMessage)', () => {
    expect(toHex(omemo2MessageAead.seal(messageKey, ad, header, fromHex(v.plaintext)))).toBe(v.sealed);
  });

  it('opens a twomemo message and reads its header', () => {
    expect(toHex(omemo2MessageAead.open(messageKey, ad, fromHex(v.sealed)))).toBe(v.plaintext);
    expect(omemo2MessageAead.parseHeader(fromHex(v.sealed))).toEqual(header);
  });

  it('rejects a wrong key, wrong associated data or a flipped MAC with bad-mac', () => {
    const sealed = fromHex(v.sealed);
    const badMac = (f: () => unknown) => expect(f).toThrowError(expect.objectContaining({ code: 'bad-mac' }));
    badMac(() => omemo2MessageAead.open(new Uint8Array(32), ad, sealed));
    badMac(() => omemo2MessageAead.open(messageKey, ad.map((b, i) => (i === 63 ? b ^ 1 : b)), sealed));
    const flipped = sealed.slice();
    flipped[3]! ^= 0x40; // inside the MAC
    badMac(() => omemo2MessageAead.open(messageKey, ad, flipped));
  });

  it('refuses associated data that is not IK_A ‖ IK_B (64 bytes)', () => {
    expect(() => omemo2MessageAead.seal(messageKey, ad.subarray(0, 32), header, new Uint8Array(1))).toThrowError(
      expect.objectContaining({ code: 'invalid-key' }),
    );
  });

  it('treats a correctly MACed message without ciphertext as malformed', () => {
    // What a buggy peer could send: a valid MAC over an OMEMOMessage lacking its ciphertext.
    const message = encodeOmemoMessage(header);
    const macKey = hkdfSha256(messageKey, new Uint8Array(32), 'OMEMO Message Key Material', 80).subarray(32, 64);
    const mac = hmacSha256(macKey, Uint8Array.of(...ad, ...message)).subarray(0, 16);
    const wire = encodeAuthenticatedMessage({ mac, message });
    expect(() => omemo2MessageAead.open(messageKey, ad, wire)).toThrowError(expect.objectContaining({ code: 'malformed' }));
  });

  it('uses twomemo parameters for the ratchet', () => {
    const params = omemo2RatchetParams(nodeBackend);
    expect(params.rootInfo).toBe(OMEMO2_ROOT_INFO);
    expect(OMEMO2_ROOT_INFO).toBe('OMEMO Root Chain');
    expect(params.maxSkip).toBe(OMEMO2_MAX_SKIP);
    expect(params.maxSkip).toBeLessThanOrEqual(params.maxSkippedTotal);
    expect(params.aead).toBe(omemo2MessageAead);
  });
});
