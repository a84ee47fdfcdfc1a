import { describe, expect, it } from 'vitest';
import { getOwnBundle } from './device.js';
import { buildSession, resetSession } from './session-builder.js';
import { HEARTBEAT_THRESHOLD } from './session-rules.js';
import { keyFor, newDevice, receive, send, text, type TestDevice } from './test-support.js';

function talking(): { romeo: TestDevice; juliet: TestDevice } {
  const romeo = newDevice('romeo@montague.lit');
  const juliet = newDevice('juliet@capulet.lit');
  buildSession(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));
  expect(receive(juliet, send(romeo, 'hello', [juliet])).respond).toBe('key-exchange-ack');
  expect(receive(romeo, send(juliet, null, [romeo])).respond).toBe('none');
  return { romeo, juliet };
}

describe('session rules', () => {
  it('asks for an empty ack after a key exchange built a session, and only until we have sent', () => {
    const romeo = newDevice('romeo@montague.lit');
    const juliet = newDevice('juliet@capulet.lit');
    buildSession(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));
    const first = receive(juliet, send(romeo, 'one', [juliet]));
    expect(first).toMatchObject({ newSession: true, respond: 'key-exchange-ack' });
    // A repeat before we answered: still ask for the ack.
    expect(receive(juliet, send(romeo, 'two', [juliet])).respond).toBe('key-exchange-ack');
    send(juliet, null, [romeo]); // the ack, not yet delivered
    // A repeat that crossed our ack: no second ack needed.
    expect(receive(juliet, send(romeo, 'three', [juliet])).respond).toBe('none');
  });

  it(`asks for a heartbeat once ${HEARTBEAT_THRESHOLD} messages arrived without an answer, and sending resets it`, () => {
    const { romeo, juliet } = talking();
    const responds = Array.from({ length: HEARTBEAT_THRESHOLD }, (_, i) => receive(juliet, send(romeo, `m${i}`, [juliet])).respond);
    expect(responds.slice(0, HEARTBEAT_THRESHOLD - 1).every((r) => r === 'none')).toBe(true);
    expect(responds[HEARTBEAT_THRESHOLD - 1]).toBe('heartbeat');
    // Ignoring it keeps asking; the empty heartbeat counts as sending.
    expect(receive(juliet, send(romeo, 'more', [juliet])).respond).toBe('heartbeat');
    const heartbeat = send(juliet, null, [romeo]);
    expect(heartbeat.payload).toBeNull();
    expect(receive(romeo, heartbeat)).toMatchObject({ envelope: null, respond: 'none' });
    expect(receive(juliet, send(romeo, 'after', [juliet])).respond).toBe('none');
  });

  it('replaces a broken session with a new key exchange on reset', () => {
    const { romeo, juliet } = talking();
    juliet.store.deleteSession(romeo.address); // e.g. restored from an old backup
    expect(() => receive(juliet, send(romeo, 'lost', [juliet]))).toThrowError(expect.objectContaining({ code: 'no-session' }));

    const old = romeo.store.loadSession(juliet.address);
    resetSession(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));
    expect(romeo.store.loadSession(juliet.address)).not.toEqual(old);
    const notice = send(romeo, null, [juliet]); // the empty message that announces the new session
    expect(keyFor(notice, juliet.address).kex).toBe(true);
    expect(receive(juliet, notice)).toMatchObject({ envelope: null, newSession: true, respond: 'key-exchange-ack' });
    receive(romeo, send(juliet, null, [romeo]));
    expect(text(receive(juliet, send(romeo, 'back again', [juliet])).envelope)).toBe('back again');
  });

  it('lets a key exchange from the peer replace our own unanswered session', () => {
    const romeo = newDevice('romeo@montague.lit');
    const juliet = newDevice('juliet@capulet.lit');
    buildSession(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));
    buildSession(juliet.ctx, romeo.address, getOwnBundle(romeo.ctx));
    // Juliet's key exchange reaches Romeo first: Romeo now follows Juliet's session (XEP-0384 §5.6).
    expect(receive(romeo, send(juliet, 'mine', [romeo])).newSession).toBe(true);
    const reply = send(romeo, 'yours', [juliet]);
    expect(keyFor(reply, juliet.address).kex).toBe(false);
    expect(text(receive(juliet, reply).envelope)).toBe('yours');
  });
});
