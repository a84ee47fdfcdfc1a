/**
 * Known answers from python-twomemo / python-doubleratchet (fixtures/twomemo-vectors.py):
 * with the same keys, our ratchet must produce and accept byte-identical OMEMO:2 messages.
 */
import { describe, expect, it } from 'vitest';
import { nobleBackend, nodeBackend } from '../backend/index.js';
import { omemo2RatchetParams } from '../wire/omemo2/ratchet-params.js';
import { advanceRootChain } from './root-chain.js';
import { nextSendingKey, newSendingChain } from './chain-key.js';
import { initActiveRatchet, initPassiveRatchet, ratchetDecrypt, ratchetEncrypt } from './double-ratchet.js';
import type { RatchetState } from './state.js';
import { fromHex, scriptedBackend, toHex } from './test-support.js';
import vectors from './fixtures/twomemo-vectors.json' with { type: 'json' };

describe('KDFs match twomemo', () => {
  it('derives the root chain step (HKDF "OMEMO Root Chain", root key as salt) like twomemo', () => {
    const { rootKey, chainKey } = advanceRootChain('OMEMO Root Chain', fromHex(vectors.root.rootKey), fromHex(vectors.root.dhOutput));
    expect(toHex(rootKey) + toHex(chainKey)).toBe(vectors.root.output);
  });

  it('derives next chain key = HMAC(ck, 0x02) and message key = HMAC(ck, 0x01) like twomemo', () => {
    const { chain, messageKey } = nextSendingKey(newSendingChain(fromHex(vectors.chain.chainKey)));
    expect(toHex(chain.chainKey) + toHex(messageKey)).toBe(vectors.chain.output);
  });
});

for (const base of [nodeBackend, nobleBackend]) {
  describe(`a scripted conversation is byte-identical to twomemo (${base.name})`, () => {
    const c = vectors.conversation;
    const aliceParams = omemo2RatchetParams(scriptedBackend(base, c.aliceRatchetPrivates.map(fromHex)));
    // Bob's last receive ratchets once more than the reference run went; any key does.
    const bobKeys = [...c.bobRatchetPrivates.map(fromHex), base.x25519GenerateKeyPair().privateKey];
    const bobParams = omemo2RatchetParams(scriptedBackend(base, bobKeys));
    const bobSpk = fromHex(c.bobSignedPreKeyPrivate);

    it('sends the same bytes as twomemo and decrypts every twomemo message', () => {
      let alice: RatchetState = initActiveRatchet(
        aliceParams,
        fromHex(c.sharedSecret),
        base.x25519PublicKey(bobSpk),
        fromHex(c.associatedData),
      );
      let bob: RatchetState = initPassiveRatchet(
        bobParams,
        fromHex(c.sharedSecret),
        { privateKey: bobSpk, publicKey: base.x25519PublicKey(bobSpk) },
        fromHex(c.associatedData),
      );
      for (const m of c.messages) {
        const [senderParams, receiverParams] = m.from === 'alice' ? [aliceParams, bobParams] : [bobParams, aliceParams];
        const sent = ratchetEncrypt(senderParams, m.from === 'alice' ? alice : bob, fromHex(m.plaintext));
        expect(toHex(sent.message)).toBe(m.wire);
        const received = ratchetDecrypt(receiverParams, m.from === 'alice' ? bob : alice, fromHex(m.wire));
        expect(toHex(received.plaintext)).toBe(m.plaintext);
        if (m.from === 'alice') [alice, bob] = [sent.state, received.state];
        else [bob, alice] = [sent.state, received.state];
      }
    });
  });
}
