/**
 * What we keep per remote device: the Double Ratchet state plus what the session rules need
 * (XEP-0384 §6). Plain immutable data; the transitions return new records.
 *
 * A record also keeps the session it replaced, one deep. Two devices that start sessions with
 * each other at the same moment each replace their own session with the one the other's key
 * exchange built, and each then keeps receiving messages on the session it replaced; a
 * manual reset leaves the peer's in-flight messages on the old session. Decrypting tries the
 * current session first and the replaced one second, and whichever session a message arrives
 * on becomes current, so both sides keep decrypting everything (the approach libsignal takes
 * with its archived session states).
 */
import type { RatchetState } from '../crypto/ratchet/index.js';
import type { KeyExchangeHeader } from '../crypto/wire/wire-format.js';

/** Who started the session: we (from their bundle) or they (with a key exchange). */
export type Initiation = 'active' | 'passive';

export interface SessionRecord {
  readonly initiation: Initiation;
  readonly ratchet: RatchetState;
  /**
   * The X3DH data of the key exchange that built the session: for an active session what we
   * repeat in every message until the peer answers, for a passive one what lets us recognise
   * a repeat of the same key exchange.
   */
  readonly keyExchange: KeyExchangeHeader;
  /** Active sessions: our key exchange is unanswered, so every message carries it (kex=true). */
  readonly awaitingAnswer: boolean;
  /** Messages decrypted since we last sent on this session (heartbeat rule). */
  readonly receivedSinceLastSend: number;
  /** Whether we have sent anything on this session yet. */
  readonly hasSent: boolean;
  /** The peer's identity key (wire form) the session was built with. */
  readonly peerIdentityKey: Uint8Array;
  readonly createdAt: number;
  /** The session this one replaced, kept to decrypt what the peer still sends on it; never itself has one. */
  readonly previous?: SessionRecord;
}

/** `record` without the session it replaced. */
export function withoutPrevious(record: SessionRecord): SessionRecord {
  if (record.previous === undefined) return record;
  const { previous: _previous, ...rest } = record;
  return rest;
}

/** `next` becomes current; `replaced` (if any) is kept as its previous session, dropping an older one. */
export const replacing = (next: SessionRecord, replaced: SessionRecord | undefined): SessionRecord =>
  replaced === undefined ? withoutPrevious(next) : { ...withoutPrevious(next), previous: withoutPrevious(replaced) };

export function newActiveRecord(
  ratchet: RatchetState,
  keyExchange: KeyExchangeHeader,
  peerIdentityKey: Uint8Array,
  now: number,
): SessionRecord {
  return {
    initiation: 'active',
    ratchet,
    keyExchange,
    awaitingAnswer: true,
    receivedSinceLastSend: 0,
    hasSent: false,
    peerIdentityKey,
    createdAt: now,
  };
}

/** A passive record exists only once the key exchange's message decrypted: one received. */
export function newPassiveRecord(ratchet: RatchetState, keyExchange: KeyExchangeHeader, now: number): SessionRecord {
  return {
    initiation: 'passive',
    ratchet,
    keyExchange,
    awaitingAnswer: false,
    receivedSinceLastSend: 1,
    hasSent: false,
    peerIdentityKey: keyExchange.ik,
    createdAt: now,
  };
}

export const afterSending = (record: SessionRecord, ratchet: RatchetState): SessionRecord => ({
  ...record,
  ratchet,
  receivedSinceLastSend: 0,
  hasSent: true,
});

/** Any message from the peer on this session answers our key exchange. */
export const afterReceiving = (record: SessionRecord, ratchet: RatchetState): SessionRecord => ({
  ...record,
  ratchet,
  awaitingAnswer: false,
  receivedSinceLastSend: record.receivedSinceLastSend + 1,
});
