import { describe, expect, it } from 'vitest';
import { getOwnBundle } from './device.js';
import { buildSession, resetSession } from './session-builder.js';
import { decodeSessionRecord } from './session-record-codec.js';
import { keyFor, newDevice, receive, send, text, type TestDevice } from './test-support.js';
import type { EncryptedMessage } from './types.js';

const bodyOf = (device: TestDevice, message: EncryptedMessage): string | null => text(receive(device, message).envelope);

/** Romeo and Juliet each build a session from the other's bundle before either message arrives. */
function crossedStart(): { romeo: TestDevice; juliet: TestDevice; fromRomeo: EncryptedMessage; fromJuliet: EncryptedMessage } {
  const romeo = newDevice('romeo@montague.lit');
  const juliet = newDevice('juliet@capulet.lit');
  buildSession(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));
  buildSession(juliet.ctx, romeo.address, getOwnBundle(romeo.ctx));
  return { romeo, juliet, fromRomeo: send(romeo, 'r1', [juliet]), fromJuliet: send(juliet, 'j1', [romeo]) };
}

describe('a session replaced by the peer’s key exchange', () => {
  it('keeps both devices decrypting everything when they started sessions with each other at once', () => {
    const { romeo, juliet, fromRomeo, fromJuliet } = crossedStart();
    expect(keyFor(fromRomeo, juliet.address).kex).toBe(true);
    expect(keyFor(fromJuliet, romeo.address).kex).toBe(true);
    // The key exchanges cross: each side's own session is replaced, and kept as the previous one.
    const atRomeo = receive(romeo, fromJuliet);
    const atJuliet = receive(juliet, fromRomeo);
    expect([text(atRomeo.envelope), text(atJuliet.envelope)]).toEqual(['j1', 'r1']);
    expect(decodeSessionRecord(romeo.store.loadSession(juliet.address)!).previous?.initiation).toBe('active');
    // Both answer the key exchange they received (XEP-0384 §6) on the new session: that is
    // the session the other side just replaced.
    expect([atRomeo.respond, atJuliet.respond]).toEqual(['key-exchange-ack', 'key-exchange-ack']);
    const ackFromRomeo = send(romeo, null, [juliet]);
    const ackFromJuliet = send(juliet, null, [romeo]);
    expect(receive(juliet, ackFromRomeo).envelope).toBeNull();
    expect(receive(romeo, ackFromJuliet).envelope).toBeNull();
    // From here on either side may send on either session; every message arrives.
    const seen: string[] = [];
    for (let round = 0; round < 4; round++) {
      const a = send(romeo, `r${round + 2}`, [juliet]);
      const b = send(juliet, `j${round + 2}`, [romeo]);
      seen.push(bodyOf(juliet, a)!, bodyOf(romeo, b)!);
      seen.push(bodyOf(romeo, send(juliet, `j${round + 2}b`, [romeo]))!);
    }
    expect(seen).toEqual(['r2', 'j2', 'j2b', 'r3', 'j3', 'j3b', 'r4', 'j4', 'j4b', 'r5', 'j5', 'j5b']);
    expect(keyFor(send(romeo, 'late', [juliet]), juliet.address).kex).toBe(false);
  });

  it('still decrypts the key exchange the peer repeats on the session we replaced', () => {
    const { romeo, juliet, fromRomeo, fromJuliet } = crossedStart();
    const repeated = send(romeo, 'r2', [juliet]); // Romeo has heard nothing yet: still a key exchange
    expect(keyFor(repeated, juliet.address).kex).toBe(true);
    expect(bodyOf(juliet, fromRomeo)).toBe('r1'); // Juliet follows Romeo's session
    expect(bodyOf(romeo, fromJuliet)).toBe('j1'); // Romeo follows Juliet's
    // Romeo's ack arrives on Juliet's own session, which becomes current again at Juliet.
    expect(receive(juliet, send(romeo, null, [juliet])).envelope).toBeNull();
    expect(decodeSessionRecord(juliet.store.loadSession(romeo.address)!).initiation).toBe('active');
    // The late repeat of Romeo's key exchange opens on the session it built, now the previous one.
    expect(bodyOf(juliet, repeated)).toBe('r2');
    expect(decodeSessionRecord(juliet.store.loadSession(romeo.address)!).initiation).toBe('passive');
  });

  it('decrypts what the peer sent on the old session after a manual reset', () => {
    const romeo = newDevice('romeo@montague.lit');
    const juliet = newDevice('juliet@capulet.lit');
    buildSession(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));
    receive(juliet, send(romeo, 'hello', [juliet]));
    receive(romeo, send(juliet, 'hi', [romeo]));
    const inFlight = send(juliet, 'sent before the reset arrived', [romeo]);
    resetSession(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));
    expect(bodyOf(romeo, inFlight)).toBe('sent before the reset arrived');
    // Romeo's next message carries the new key exchange again and Juliet follows it.
    const notice = send(romeo, 'new session', [juliet]);
    expect(keyFor(notice, juliet.address).kex).toBe(true);
    expect(bodyOf(juliet, notice)).toBe('new session');
    expect(bodyOf(romeo, send(juliet, 'on the new one', [romeo]))).toBe('on the new one');
  });

  it('throws the current session’s error and stores nothing when neither session opens a message', () => {
    const { romeo, juliet, fromRomeo, fromJuliet } = crossedStart();
    receive(romeo, fromJuliet);
    receive(juliet, fromRomeo);
    const forged = send(juliet, 'forged', [romeo]);
    const key = keyFor(forged, romeo.address);
    const data = key.data.slice();
    data[data.length - 1]! ^= 1;
    const before = romeo.store.loadSession(juliet.address);
    expect(() => receive(romeo, { ...forged, keys: [{ ...key, data }] })).toThrowError(expect.objectContaining({ code: 'bad-mac' }));
    expect(romeo.store.loadSession(juliet.address)).toEqual(before);
    // A replay of what already arrived on the previous session is refused too.
    const once = send(juliet, 'once', [romeo]);
    expect(bodyOf(romeo, once)).toBe('once');
    expect(() => receive(romeo, once)).toThrowError(expect.objectContaining({ code: expect.stringMatching(/replay|bad-mac/) }));
  });

  it('keeps one replaced session, not a chain of them', () => {
    const romeo = newDevice('romeo@montague.lit');
    const juliet = newDevice('juliet@capulet.lit');
    for (let i = 0; i < 3; i++) resetSession(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));
    const record = decodeSessionRecord(romeo.store.loadSession(juliet.address)!);
    expect(record.previous).toBeDefined();
    expect(record.previous?.previous).toBeUndefined();
  });
});
