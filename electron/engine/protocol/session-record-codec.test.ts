import { describe, expect, it } from 'vitest';
import { getOwnBundle } from './device.js';
import { buildSession } from './session-builder.js';
import { decodeSessionRecord, encodeSessionRecord } from './session-record-codec.js';
import { newDevice } from './test-support.js';

function storedRecord(): Uint8Array {
  const romeo = newDevice('romeo@montague.lit');
  const juliet = newDevice('juliet@capulet.lit');
  buildSession(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));
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
});
