import { describe, expect, it } from 'vitest';
import { nobleBackend, nodeBackend } from '../crypto/backend/index.js';
import { buildSession } from './session-builder.js';
import { getOwnBundle } from './device.js';
import { encryptMessage } from './encrypt.js';
import { keyFor, newDevice, receive, send, text } from './test-support.js';

describe('conversations through the session layer', () => {
  it.each([
    { a: nodeBackend, b: nodeBackend },
    { a: nobleBackend, b: nobleBackend },
    { a: nodeBackend, b: nobleBackend },
  ])('two devices talk both ways after an X3DH key exchange ($a.name ↔ $b.name)', ({ a, b }) => {
    const romeo = newDevice('romeo@montague.lit', a);
    const juliet = newDevice('juliet@capulet.lit', b);
    buildSession(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));

    const first = send(romeo, 'wherefore art thou', [juliet]);
    expect(keyFor(first, juliet.address).kex).toBe(true);
    const opened = receive(juliet, first);
    expect(text(opened.envelope)).toBe('wherefore art thou');
    expect(opened.newSession).toBe(true);
    expect(opened.identityKey).toEqual(getOwnBundle(romeo.ctx).identityKey);

    for (let round = 0; round < 5; round++) {
      const reply = send(juliet, `reply ${round}`, [romeo]);
      expect(keyFor(reply, romeo.address).kex).toBe(false);
      expect(text(receive(romeo, reply).envelope)).toBe(`reply ${round}`);
      const answer = send(romeo, `answer ${round}`, [juliet]);
      expect(keyFor(answer, juliet.address).kex).toBe(false);
      expect(text(receive(juliet, answer).envelope)).toBe(`answer ${round}`);
    }
  });

  it('encrypts the payload once for one sender and three recipient devices', () => {
    const romeo = newDevice('romeo@montague.lit');
    const juliets = [newDevice('juliet@capulet.lit'), newDevice('juliet@capulet.lit'), newDevice('nurse@capulet.lit')];
    for (const j of juliets) buildSession(romeo.ctx, j.address, getOwnBundle(j.ctx));

    const message = send(romeo, 'to all of you', juliets);
    expect(message.payload).not.toBeNull();
    expect(message.keys).toHaveLength(3);
    expect(new Set(message.keys.map((k) => Buffer.from(k.data).toString('hex'))).size).toBe(3);
    for (const j of juliets) {
      // Every device opens the same single payload with its own key.
      expect(text(receive(j, message).envelope)).toBe('to all of you');
    }
    expect(message.sender).toEqual(romeo.address);
  });

  it('lists each recipient device once even when it is named twice', () => {
    const romeo = newDevice('romeo@montague.lit');
    const juliet = newDevice('juliet@capulet.lit');
    buildSession(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));
    const message = encryptMessage(romeo.ctx, null, [juliet.address, { ...juliet.address }]);
    expect(message.keys).toHaveLength(1);
  });

  it('delivers messages out of order, including across ratchet steps', () => {
    const romeo = newDevice('romeo@montague.lit');
    const juliet = newDevice('juliet@capulet.lit');
    buildSession(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));
    receive(juliet, send(romeo, 'hello', [juliet]));
    receive(romeo, send(juliet, 'hi', [romeo]));

    const batch = [0, 1, 2, 3, 4].map((i) => send(romeo, `m${i}`, [juliet]));
    for (const i of [3, 0, 4, 2, 1]) expect(text(receive(juliet, batch[i]!).envelope)).toBe(`m${i}`);

    // Juliet answers (new ratchet step for Romeo), then late messages of both chains arrive.
    const late = send(romeo, 'late from the old chain', [juliet]);
    receive(romeo, send(juliet, 'step', [romeo]));
    const fresh = send(romeo, 'new chain', [juliet]);
    expect(text(receive(juliet, fresh).envelope)).toBe('new chain');
    expect(text(receive(juliet, late).envelope)).toBe('late from the old chain');
  });

  it('refuses to encrypt for a device without a session and changes no session', () => {
    const romeo = newDevice('romeo@montague.lit');
    const juliet = newDevice('juliet@capulet.lit');
    const stranger = newDevice('tybalt@capulet.lit');
    buildSession(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));
    const before = romeo.store.loadSession(juliet.address);
    expect(() => send(romeo, 'x', [juliet, stranger])).toThrowError(expect.objectContaining({ code: 'no-session' }));
    expect(romeo.store.loadSession(juliet.address)).toEqual(before);
  });

  it('decrypts an empty OMEMO message to a null envelope', () => {
    const romeo = newDevice('romeo@montague.lit');
    const juliet = newDevice('juliet@capulet.lit');
    buildSession(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));
    const empty = send(romeo, null, [juliet]);
    expect(empty.payload).toBeNull();
    expect(receive(juliet, empty).envelope).toBeNull();
  });
});
