import { describe, expect, it } from 'vitest';
import { getOwnBundle } from './device.js';
import { buildSession as build, resetSession } from './session-builder.js';
import { decodeSessionRecord, encodeSessionRecord, SESSION_RECORD_VERSION } from './session-record-codec.js';
import { newDevice } from './test-support.js';

function storedRecord(): Uint8Array {
  const romeo = newDevice('romeo@montague.lit');
  const juliet = newDevice('juliet@capulet.lit');
  build(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));
  return romeo.store.loadSession(juliet.address)!;
}

describe('session records', () => {
  it('round-trip through their versioned binary encoding', () => {
    const bytes = storedRecord();
    const record = decodeSessionRecord(bytes);
    expect(record).toMatchObject({ initiation: 'active', awaitingAnswer: true, hasSent: false, receivedSinceLastSend: 0 });
    expect(encodeSessionRecord(record)).toEqual(bytes);
  });

  it('reject an unknown version, truncation and trailing bytes as malformed', () => {
    const bytes = storedRecord();
    const otherVersion = bytes.slice();
    otherVersion[3] = 99;
    for (const bad of [otherVersion, bytes.slice(0, bytes.length - 1), new Uint8Array([...bytes, 0])]) {
      expect(() => decodeSessionRecord(bad)).toThrowError(expect.objectContaining({ code: 'malformed' }));
    }
  });

  it('carry the session they replaced, and nothing deeper', () => {
    const romeo = newDevice('romeo@montague.lit');
    const juliet = newDevice('juliet@capulet.lit');
    build(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));
    const first = decodeSessionRecord(romeo.store.loadSession(juliet.address)!);
    resetSession(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));
    const bytes = romeo.store.loadSession(juliet.address)!;
    const record = decodeSessionRecord(bytes);
    expect(record.previous).toEqual(first);
    expect(record.keyExchange.ek).not.toEqual(first.keyExchange.ek);
    expect(encodeSessionRecord(record)).toEqual(bytes);
    expect(() => encodeSessionRecord({ ...record, previous: record })).toThrowError(expect.objectContaining({ code: 'malformed' }));
    // The previous session's own bytes, flagged as holding one more, are refused.
    const nested = bytes.slice();
    const flagsOfPrevious = bytes.length - encodeSessionRecord(first).length + 5; // after magic, version, initiation
    nested[flagsOfPrevious]! |= 0b100;
    expect(() => decodeSessionRecord(nested)).toThrowError(expect.objectContaining({ code: 'malformed' }));
  });

  it('written as version 1 (before previous sessions) still decode', () => {
    const bytes = storedRecord();
    expect(bytes[3]).toBe(SESSION_RECORD_VERSION);
    const v1 = bytes.slice();
    v1[3] = 1;
    expect(decodeSessionRecord(v1)).toEqual(decodeSessionRecord(bytes));
    const v1WithFlag = v1.slice();
    v1WithFlag[5]! |= 0b100;
    expect(() => decodeSessionRecord(v1WithFlag)).toThrowError(expect.objectContaining({ code: 'malformed' }));
  });
});
