import { describe, expect, it } from 'vitest';
import { omemo2Wire } from '../crypto/wire/omemo2/index.js';
import type { KeyExchange } from '../crypto/wire/wire-format.js';
import { decryptMessage, keyExchangeIdentity } from './decrypt.js';
import { getOwnBundle } from './device.js';
import { buildSession, resetSession } from './session-builder.js';
import { keyFor, newDevice, receive, send, snapshot, text, type TestDevice } from './test-support.js';
import type { EncryptedMessage } from './types.js';

const code = (c: string) => expect.objectContaining({ code: c });

function started(): { romeo: TestDevice; juliet: TestDevice } {
  const romeo = newDevice('romeo@montague.lit');
  const juliet = newDevice('juliet@capulet.lit');
  buildSession(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));
  return { romeo, juliet };
}

/** The message with its key-exchange bytes rewritten by `edit`. */
function withKeyExchange(message: EncryptedMessage, edit: (kex: KeyExchange) => KeyExchange): EncryptedMessage {
  const key = message.keys[0]!;
  const data = omemo2Wire.keyExchange.encode(edit(omemo2Wire.keyExchange.decode(key.data)));
  return { ...message, keys: [{ ...key, data }] };
}

const flipped = (bytes: Uint8Array, index = 0): Uint8Array => {
  const out = bytes.slice();
  out[index]! ^= 0x01;
  return out;
};

describe('key exchanges', () => {
  it('are repeated in every message until the peer answers, then stop', () => {
    const { romeo, juliet } = started();
    const sent = [0, 1, 2].map((i) => send(romeo, `unanswered ${i}`, [juliet]));
    const headers = sent.map((m) => omemo2Wire.keyExchange.decode(keyFor(m, juliet.address).data));
    for (const m of sent) expect(keyFor(m, juliet.address).kex).toBe(true);
    for (const h of headers.slice(1)) expect(h).toMatchObject({ pkId: headers[0]!.pkId, spkId: headers[0]!.spkId, ek: headers[0]!.ek });

    // Delivered out of order: the first builds the session, the repeats continue it.
    const results = [2, 0, 1].map((i) => receive(juliet, sent[i]!));
    expect(results.map((r) => r.newSession)).toEqual([true, false, false]);
    expect(results.map((r) => text(r.envelope))).toEqual(['unanswered 2', 'unanswered 0', 'unanswered 1']);
    expect(results[0]!.usedPreKeyId).toBe(headers[0]!.pkId);
    expect(results[1]!.usedPreKeyId).toBeUndefined();

    // Still unanswered: Romeo keeps sending the key exchange.
    expect(keyFor(send(romeo, 'still unanswered', [juliet]), juliet.address).kex).toBe(true);
    const ack = send(juliet, null, [romeo]);
    expect(keyFor(ack, romeo.address).kex).toBe(false);
    expect(receive(romeo, ack)).toMatchObject({ envelope: null, newSession: false, respond: 'none' });
    expect(keyFor(send(romeo, 'answered', [juliet]), juliet.address).kex).toBe(false);
  });

  it('naming a one-time pre-key that another key exchange consumed is rejected, and changes nothing', () => {
    const juliet = newDevice('juliet@capulet.lit', undefined, 1);
    const romeo = newDevice('romeo@montague.lit');
    const mercutio = newDevice('mercutio@verona.lit');
    const bundle = getOwnBundle(juliet.ctx); // one pre-key: both initiators must pick it
    buildSession(romeo.ctx, juliet.address, bundle);
    buildSession(mercutio.ctx, juliet.address, bundle);

    const fromRomeo = send(romeo, 'first', [juliet]);
    expect(receive(juliet, fromRomeo).usedPreKeyId).toBe(bundle.preKeys[0]!.id);

    const before = snapshot(juliet, [romeo.address, mercutio.address]);
    expect(() => receive(juliet, send(mercutio, 'second', [juliet]))).toThrowError(code('unknown-pre-key'));
    expect(snapshot(juliet, [romeo.address, mercutio.address])).toBe(before);

    // The very same key exchange, repeated by its initiator, still decrypts.
    expect(text(receive(juliet, send(romeo, 'repeat', [juliet])).envelope)).toBe('repeat');
  });

  it('a new key exchange from the same device naming the consumed pre-key is rejected too', () => {
    const juliet = newDevice('juliet@capulet.lit', undefined, 1);
    const romeo = newDevice('romeo@montague.lit');
    const bundle = getOwnBundle(juliet.ctx);
    buildSession(romeo.ctx, juliet.address, bundle);
    receive(juliet, send(romeo, 'first', [juliet]));
    resetSession(romeo.ctx, juliet.address, bundle); // a stale bundle: same pre-key, new ephemeral key
    expect(() => receive(juliet, send(romeo, 'again', [juliet]))).toThrowError(code('unknown-pre-key'));
  });

  const tamperings: [string, (kex: KeyExchange) => KeyExchange][] = [
    ['identity key', (k) => ({ ...k, ik: flipped(k.ik, 3) })],
    ['ephemeral key', (k) => ({ ...k, ek: flipped(k.ek, 3) })],
    ['pre-key id', (k) => ({ ...k, pkId: k.pkId ^ 1 })],
    ['signed pre-key id', (k) => ({ ...k, spkId: k.spkId + 1 })],
    ['embedded message', (k) => ({ ...k, message: flipped(k.message, k.message.length - 1) })],
  ];
  it.each(tamperings)('with a flipped bit in the %s is rejected and leaves every state unchanged', (_field, edit) => {
    const { romeo, juliet } = started();
    const message = send(romeo, 'hello', [juliet]);
    const before = snapshot(juliet, [romeo.address]);
    expect(() => receive(juliet, withKeyExchange(message, edit))).toThrowError(expect.objectContaining({ name: 'CryptoError' }));
    expect(snapshot(juliet, [romeo.address])).toBe(before);
    // The untouched original still works: nothing was consumed by the forgery.
    expect(receive(juliet, message).newSession).toBe(true);
  });

  it('whose payload fails authentication saves no session and consumes no pre-key', () => {
    const { romeo, juliet } = started();
    const message = send(romeo, 'hello', [juliet]);
    const before = snapshot(juliet, [romeo.address]);
    const payload = flipped(message.payload!);
    expect(() => receive(juliet, { ...message, payload })).toThrowError(code('bad-mac'));
    expect(snapshot(juliet, [romeo.address])).toBe(before);
    expect(text(receive(juliet, message).envelope)).toBe('hello');
  });

  it('from a device whose identity key changed is reported, not accepted', () => {
    const { romeo, juliet } = started();
    receive(juliet, send(romeo, 'hello', [juliet]));
    receive(romeo, send(juliet, 'hi', [romeo]));

    // Another key pair claims Romeo's device id.
    const impostor = newDevice('romeo@montague.lit');
    impostor.store.saveOwnIdentity({ ...impostor.store.getOwnIdentity()!, deviceId: romeo.address.deviceId });
    buildSession(impostor.ctx, juliet.address, getOwnBundle(juliet.ctx));
    const forged = send(impostor, 'it is me, romeo', [juliet]);
    expect(forged.sender).toEqual(romeo.address);

    const before = snapshot(juliet, [romeo.address]);
    const key = keyFor(forged, juliet.address);
    expect(() => decryptMessage(juliet.ctx, forged.sender, key, forged.payload)).toThrowError(code('identity-changed'));
    expect(snapshot(juliet, [romeo.address])).toBe(before);
    expect(keyExchangeIdentity(juliet.ctx, key.data)).toEqual(getOwnBundle(impostor.ctx).identityKey);

    // Building a session from a bundle with a different identity for a known device is refused too.
    expect(() => buildSession(juliet.ctx, romeo.address, getOwnBundle(impostor.ctx))).toThrowError(code('identity-changed'));
  });
});
