/**
 * A compact, versioned binary encoding of RatchetState for storage (kept out of the
 * encrypt/decrypt path). Decoding validates structure and lengths and copies every byte
 * array, so a state never aliases the stored buffer.
 *
 * Version 1, integers big-endian:
 *   u8 version | u8 flags (1 peer, 2 previous peer, 4 sending, 8 receiving)
 *   rootKey[32] | ownPrivate[32] | ownPublic[32] | peer[32]? | previousPeer[32]?
 *   (chainKey[32] u32 length)? sending | (chainKey[32] u32 length)? receiving
 *   u32 previousSendingLength | u16 adLength ad[adLength]
 *   u16 keyCount key[32]×keyCount            -- distinct ratchet keys of the skipped entries
 *   u32 skippedCount (u16 keyIndex u32 n messageKey[32])×skippedCount   -- oldest first
 */
import { CryptoError } from '../errors.js';
import type { SkippedKey } from './skipped-keys.js';
import type { RatchetState } from './state.js';

const VERSION = 1;
const KEY = 32;
const FLAG_PEER = 1;
const FLAG_PREVIOUS_PEER = 2;
const FLAG_SENDING = 4;
const FLAG_RECEIVING = 8;
const KNOWN_FLAGS = FLAG_PEER | FLAG_PREVIOUS_PEER | FLAG_SENDING | FLAG_RECEIVING;
const U16_MAX = 0xffff;

/**
 * `headerRoom` leaves that many zero bytes in front of the encoding, so a record that embeds
 * the state can write its own header there instead of copying the state once more.
 */
export function encodeRatchetState(state: RatchetState, headerRoom = 0): Uint8Array {
  const { keys, indexOf } = distinctRatchetKeys(state.skipped);
  if (state.associatedData.length > U16_MAX || keys.length > U16_MAX) {
    throw new CryptoError('malformed', 'ratchet state too large to encode');
  }
  const flags =
    (state.peerRatchetPublic ? FLAG_PEER : 0) |
    (state.previousPeerRatchetPublic ? FLAG_PREVIOUS_PEER : 0) |
    (state.sending ? FLAG_SENDING : 0) |
    (state.receiving ? FLAG_RECEIVING : 0);
  const size =
    2 + 3 * KEY +
    (state.peerRatchetPublic ? KEY : 0) +
    (state.previousPeerRatchetPublic ? KEY : 0) +
    (state.sending ? KEY + 4 : 0) +
    (state.receiving ? KEY + 4 : 0) +
    4 + 2 + state.associatedData.length +
    2 + keys.length * KEY +
    4 + state.skipped.length * (2 + 4 + KEY);
  const w = new Writer(headerRoom, size);
  w.u8(VERSION);
  w.u8(flags);
  w.bytes(state.rootKey, KEY);
  w.bytes(state.ownRatchet.privateKey, KEY);
  w.bytes(state.ownRatchet.publicKey, KEY);
  if (state.peerRatchetPublic) w.bytes(state.peerRatchetPublic, KEY);
  if (state.previousPeerRatchetPublic) w.bytes(state.previousPeerRatchetPublic, KEY);
  if (state.sending) w.bytes(state.sending.chainKey, KEY).u32(state.sending.length);
  if (state.receiving) w.bytes(state.receiving.chainKey, KEY).u32(state.receiving.length);
  w.u32(state.previousSendingLength);
  w.u16(state.associatedData.length).bytes(state.associatedData, state.associatedData.length);
  w.u16(keys.length);
  for (const key of keys) w.bytes(key, KEY);
  w.u32(state.skipped.length);
  for (const entry of state.skipped) w.u16(indexOf(entry.dhPub)).u32(entry.n).bytes(entry.messageKey, KEY);
  return w.done();
}

export function decodeRatchetState(bytes: Uint8Array): RatchetState {
  const r = new Reader(bytes);
  if (r.u8() !== VERSION) throw malformed('unknown ratchet state version');
  const flags = r.u8();
  if ((flags & ~KNOWN_FLAGS) !== 0) throw malformed('unknown ratchet state flags');
  const rootKey = r.bytes(KEY);
  const ownRatchet = { privateKey: r.bytes(KEY), publicKey: r.bytes(KEY) };
  const peerRatchetPublic = flags & FLAG_PEER ? r.bytes(KEY) : null;
  const previousPeerRatchetPublic = flags & FLAG_PREVIOUS_PEER ? r.bytes(KEY) : null;
  const sending = flags & FLAG_SENDING ? ({ kind: 'sending', chainKey: r.bytes(KEY), length: r.u32() } as const) : null;
  const receiving =
    flags & FLAG_RECEIVING ? ({ kind: 'receiving', chainKey: r.bytes(KEY), length: r.u32() } as const) : null;
  const previousSendingLength = r.u32();
  const associatedData = r.bytes(r.u16());
  const keys: Uint8Array[] = [];
  for (let i = r.u16(); i > 0; i--) keys.push(r.bytes(KEY));
  const skipped: SkippedKey[] = [];
  for (let i = r.u32(); i > 0; i--) {
    const dhPub = keys[r.u16()];
    if (dhPub === undefined) throw malformed('skipped key refers to an unknown ratchet key');
    skipped.push({ dhPub, n: r.u32(), messageKey: r.bytes(KEY) });
  }
  r.end();
  if ((receiving !== null && peerRatchetPublic === null) || (sending === null) !== (peerRatchetPublic === null)) {
    throw malformed('inconsistent ratchet state');
  }
  return {
    rootKey,
    ownRatchet,
    peerRatchetPublic,
    previousPeerRatchetPublic,
    sending,
    receiving,
    previousSendingLength,
    skipped,
    associatedData,
  };
}

function malformed(message: string): CryptoError {
  return new CryptoError('malformed', message);
}

function distinctRatchetKeys(skipped: readonly SkippedKey[]): {
  keys: Uint8Array[];
  indexOf: (key: Uint8Array) => number;
} {
  const keys: Uint8Array[] = [];
  const index = new Map<Uint8Array, number>(); // skipped entries of one chain share one array
  const indexOf = (key: Uint8Array): number => {
    let i = index.get(key);
    if (i === undefined) {
      i = keys.findIndex((k) => k.length === key.length && k.every((b, j) => b === key[j]));
      if (i < 0) i = keys.push(key) - 1;
      index.set(key, i);
    }
    return i;
  };
  for (const entry of skipped) indexOf(entry.dhPub);
  return { keys, indexOf };
}

class Writer {
  private readonly out: Uint8Array;
  private readonly view: DataView;
  private offset = 0;

  constructor(headerRoom: number, size: number) {
    this.out = new Uint8Array(headerRoom + size);
    this.view = new DataView(this.out.buffer);
    this.offset = headerRoom;
  }

  u8(value: number): this {
    this.view.setUint8(this.offset, value);
    this.offset += 1;
    return this;
  }

  u16(value: number): this {
    this.view.setUint16(this.offset, value);
    this.offset += 2;
    return this;
  }

  u32(value: number): this {
    this.view.setUint32(this.offset, value);
    this.offset += 4;
    return this;
  }

  bytes(value: Uint8Array, length: number): this {
    if (value.length !== length) throw malformed('ratchet state field has the wrong length');
    this.out.set(value, this.offset);
    this.offset += length;
    return this;
  }

  done(): Uint8Array {
    return this.out;
  }
}

class Reader {
  private readonly view: DataView;
  private offset = 0;

  constructor(private readonly input: Uint8Array) {
    if (!(input instanceof Uint8Array)) throw malformed('ratchet state must be bytes');
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  }

  private take(length: number): number {
    const at = this.offset;
    if (at + length > this.input.length) throw malformed('ratchet state is truncated');
    this.offset += length;
    return at;
  }

  u8(): number {
    return this.view.getUint8(this.take(1));
  }

  u16(): number {
    return this.view.getUint16(this.take(2));
  }

  u32(): number {
    return this.view.getUint32(this.take(4));
  }

  bytes(length: number): Uint8Array {
    const at = this.take(length);
    return this.input.slice(at, at + length);
  }

  end(): void {
    if (this.offset !== this.input.length) throw malformed('trailing bytes after ratchet state');
  }
}
