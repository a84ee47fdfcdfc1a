/**
 * The versioned binary encoding of a SessionRecord, which SessionStore keeps as opaque bytes.
 *   magic "PSR" | version u8 | initiation u8 | flags u8 | receivedSinceLastSend u32 |
 *   createdAt u64 | peerIdentityKey | pkId u32 | spkId u32 | ik | ek | ratchet state
 *   [| previous session]
 * (byte strings are u32-length-prefixed; the ratchet state is the ratchet's own encoding; the
 * previous session, present when flags say so, is a length-prefixed record of its own without
 * one). Version 1 had no previous session and decodes as a record without one.
 */
import { CryptoError } from '../crypto/errors.js';
import { decodeRatchetState, encodeRatchetState } from '../crypto/ratchet/index.js';
import { ByteReader, ByteWriter } from './byte-codec.js';
import type { Initiation, SessionRecord } from './session-record.js';

const MAGIC = [0x50, 0x53, 0x52] as const; // "PSR"
export const SESSION_RECORD_VERSION = 2;
const VERSION_WITHOUT_PREVIOUS = 1;

const INITIATION_CODES: Record<Initiation, number> = { active: 0, passive: 1 };
const FLAG_AWAITING_ANSWER = 0b01;
const FLAG_HAS_SENT = 0b10;
const FLAG_HAS_PREVIOUS = 0b100;

export function encodeSessionRecord(record: SessionRecord): Uint8Array {
  if (record.previous === undefined) return encodeOne(record, false);
  if (record.previous.previous !== undefined) throw new CryptoError('malformed', 'a previous session keeps no session of its own');
  const current = encodeOne(record, true);
  const previous = encodeOne(record.previous, false);
  const out = new Uint8Array(current.length + 4 + previous.length);
  out.set(current);
  new DataView(out.buffer).setUint32(current.length, previous.length);
  out.set(previous, current.length + 4);
  current.fill(0);
  previous.fill(0);
  return out;
}

function encodeOne(record: SessionRecord, hasPrevious: boolean): Uint8Array {
  const { keyExchange, peerIdentityKey } = record;
  // Everything up to and including the ratchet state's length prefix.
  const headerLength = 3 + 3 + 4 + 8 + (4 + peerIdentityKey.length) + 8 + (4 + keyExchange.ik.length) + (4 + keyExchange.ek.length) + 4;
  const out = encodeRatchetState(record.ratchet, headerLength);
  const w = ByteWriter.into(out);
  for (const b of MAGIC) w.uint8(b);
  const flags = (record.awaitingAnswer ? FLAG_AWAITING_ANSWER : 0) | (record.hasSent ? FLAG_HAS_SENT : 0) | (hasPrevious ? FLAG_HAS_PREVIOUS : 0);
  return w
    .uint8(SESSION_RECORD_VERSION)
    .uint8(INITIATION_CODES[record.initiation])
    .uint8(flags)
    .uint32(record.receivedSinceLastSend)
    .uint53(record.createdAt)
    .bytes(peerIdentityKey)
    .uint32(keyExchange.pkId)
    .uint32(keyExchange.spkId)
    .bytes(keyExchange.ik)
    .bytes(keyExchange.ek)
    .uint32(out.length - headerLength)
    .finishInPlace(headerLength);
}

function readInitiation(code: number): Initiation {
  if (code === INITIATION_CODES.active) return 'active';
  if (code === INITIATION_CODES.passive) return 'passive';
  throw new CryptoError('malformed', 'unknown session initiation');
}

export function decodeSessionRecord(bytes: Uint8Array): SessionRecord {
  return decodeOne(bytes, true);
}

function decodeOne(bytes: Uint8Array, mayHavePrevious: boolean): SessionRecord {
  const r = new ByteReader(bytes);
  for (const b of MAGIC) {
    if (r.uint8() !== b) throw new CryptoError('malformed', 'not a session record');
  }
  const version = r.uint8();
  if (version !== SESSION_RECORD_VERSION && version !== VERSION_WITHOUT_PREVIOUS) {
    throw new CryptoError('malformed', `unsupported session record version ${version}`);
  }
  const initiation = readInitiation(r.uint8());
  const flags = r.uint8();
  const receivedSinceLastSend = r.uint32();
  const createdAt = r.uint53();
  const peerIdentityKey = r.bytes();
  const keyExchange = { pkId: r.uint32(), spkId: r.uint32(), ik: r.bytes(), ek: r.bytes() };
  const ratchet = decodeRatchetState(r.bytesView()); // copies every field it keeps
  const hasPrevious = (flags & FLAG_HAS_PREVIOUS) !== 0;
  if (hasPrevious && (!mayHavePrevious || version === VERSION_WITHOUT_PREVIOUS)) {
    throw new CryptoError('malformed', 'unexpected previous session');
  }
  const previous = hasPrevious ? decodeOne(r.bytesView(), false) : undefined;
  r.end();
  const record: SessionRecord = {
    initiation,
    ratchet,
    keyExchange,
    awaitingAnswer: (flags & FLAG_AWAITING_ANSWER) !== 0,
    receivedSinceLastSend,
    hasSent: (flags & FLAG_HAS_SENT) !== 0,
    peerIdentityKey,
    createdAt,
  };
  return previous === undefined ? record : { ...record, previous };
}
