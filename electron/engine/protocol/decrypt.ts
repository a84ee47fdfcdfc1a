/**
 * Decrypting from a device (XEP-0384 §4.5, §5.6). A key exchange builds a passive session, or
 * continues the one it already built (the initiator repeats it until we answer, XEP-0384 §6);
 * a plain message continues the existing session, or the one it replaced (session-record.ts). Nothing is stored until both the ratchet
 * message and the payload authenticated: a forged or corrupted message changes no state.
 */
import { equalBytes, wipe } from '../crypto/bytes.js';
import { CryptoError } from '../crypto/errors.js';
import { initPassiveRatchet, ratchetDecrypt } from '../crypto/ratchet/index.js';
import type { KeyExchangeHeader } from '../crypto/wire/wire-format.js';
import { x3dhPassive } from '../crypto/x3dh.js';
import { ratchetParamsOf, requireOwnIdentity, type ProtocolContext } from './context.js';
import { assertKnownIdentity, rememberIdentity } from './identity-check.js';
import { afterReceiving, newPassiveRecord, replacing, type SessionRecord } from './session-record.js';
import { responseTo, type SessionResponse } from './session-rules.js';
import { loadSessionRecord, saveSessionRecord } from './session-storage.js';
import type { DeviceAddress, OwnIdentity } from './store.js';

export interface DecryptResult {
  /** The decrypted envelope; null for an empty OMEMO message. */
  readonly envelope: Uint8Array | null;
  /** The sender device's identity key (wire form), for trust decisions. */
  readonly identityKey: Uint8Array;
  /** True when this message's key exchange built a new session. */
  readonly newSession: boolean;
  /** The one-time pre-key the new session consumed: delete it after catch-up (deleteUsedPreKeys). */
  readonly usedPreKeyId?: number;
  /** What to send back to the sender device: an empty message for either reason, or nothing. */
  readonly respond: SessionResponse;
}

/** One `<key>` element addressed to us. */
export interface ReceivedKey {
  readonly kex: boolean;
  readonly data: Uint8Array;
}

interface Opened {
  readonly record: SessionRecord;
  readonly keyMaterial: Uint8Array;
  readonly newSession: boolean;
  readonly usedPreKeyId?: number;
}

const headerOf = (kex: KeyExchangeHeader): KeyExchangeHeader => ({ pkId: kex.pkId, spkId: kex.spkId, ik: kex.ik, ek: kex.ek });

/** The same key exchange again (python-omemo's builds_same_session): same ik, ek and ids. */
const sameKeyExchange = (a: KeyExchangeHeader, b: KeyExchangeHeader): boolean =>
  a.pkId === b.pkId && a.spkId === b.spkId && equalBytes(a.ik, b.ik) && equalBytes(a.ek, b.ek);

function openKeyExchange(ctx: ProtocolContext, own: OwnIdentity, sender: DeviceAddress, data: Uint8Array): Opened {
  const params = ratchetParamsOf(ctx);
  const kex = ctx.wire.keyExchange.decode(data);
  const header = headerOf(kex);
  assertKnownIdentity(ctx.store, sender, header.ik);
  const existing = loadSessionRecord(ctx.store, sender);
  // The initiator repeats its key exchange until we answer: continue the session it built,
  // current or the one a later session replaced (two devices that started at once).
  const built = [existing, existing?.previous].find((r) => r?.initiation === 'passive' && sameKeyExchange(r.keyExchange, header));
  if (existing && built) {
    const { state, plaintext } = ratchetDecrypt(params, built.ratchet, kex.message);
    const record = afterReceiving(built, state);
    return { record: built === existing ? record : afterPreviousUsed(existing, record), keyMaterial: plaintext, newSession: false };
  }
  // A different key exchange starts a new session (XEP-0384 §5.6); the one it replaces stays
  // as the previous session for what the peer still sends on it.
  const agreement = x3dhPassive(ctx.wire, ctx.backend, own, header, ctx.store);
  const ratchet = initPassiveRatchet(params, agreement.sharedSecret, agreement.signedPreKey, agreement.associatedData);
  wipe(agreement.sharedSecret);
  const { state, plaintext } = ratchetDecrypt(params, ratchet, kex.message);
  return {
    record: replacing(newPassiveRecord(state, header, ctx.now()), existing),
    keyMaterial: plaintext,
    newSession: true,
    usedPreKeyId: agreement.preKeyId,
  };
}

/**
 * The previous session opened a message: it becomes current again (the peer is on it) — unless
 * the current one is a session we started that the peer has not answered yet (a reset, or a
 * session built over an existing one): that one must reach the peer, so it stays current.
 */
function afterPreviousUsed(existing: SessionRecord, used: SessionRecord): SessionRecord {
  return existing.initiation === 'active' && existing.awaitingAnswer ? { ...existing, previous: used } : replacing(used, existing);
}

/**
 * A message on the current session, or else on the one it replaced (afterPreviousUsed). When
 * neither opens it, the current session's error is the one thrown.
 */
function openMessage(ctx: ProtocolContext, sender: DeviceAddress, data: Uint8Array): Opened {
  const existing = loadSessionRecord(ctx.store, sender);
  if (!existing) throw new CryptoError('no-session', `no session with device ${sender.deviceId} of ${sender.jid}`);
  const params = ratchetParamsOf(ctx);
  try {
    const { state, plaintext } = ratchetDecrypt(params, existing.ratchet, data);
    return { record: afterReceiving(existing, state), keyMaterial: plaintext, newSession: false };
  } catch (error) {
    const { previous } = existing;
    if (previous === undefined || !(error instanceof CryptoError)) throw error;
    let opened;
    try {
      opened = ratchetDecrypt(params, previous.ratchet, data);
    } catch {
      throw error;
    }
    return { record: afterPreviousUsed(existing, afterReceiving(previous, opened.state)), keyMaterial: opened.plaintext, newSession: false };
  }
}

function openPayload(ctx: ProtocolContext, keyMaterial: Uint8Array, payload: Uint8Array | null): Uint8Array | null {
  try {
    return payload === null ? null : ctx.wire.payload.decrypt(keyMaterial, payload);
  } finally {
    wipe(keyMaterial);
  }
}

/**
 * Throws CryptoError: 'malformed', 'bad-mac', 'replay', 'too-many-skipped', 'no-session',
 * 'unknown-pre-key' (also for a second key exchange naming a consumed pre-key),
 * 'unknown-signed-pre-key', 'identity-changed' — and then has stored nothing.
 */
export function decryptMessage(
  ctx: ProtocolContext,
  sender: DeviceAddress,
  key: ReceivedKey,
  payload: Uint8Array | null,
): DecryptResult {
  const own = requireOwnIdentity(ctx);
  const opened = key.kex ? openKeyExchange(ctx, own, sender, key.data) : openMessage(ctx, sender, key.data);
  const envelope = openPayload(ctx, opened.keyMaterial, payload);

  const { record } = opened;
  if (opened.usedPreKeyId !== undefined) ctx.store.markPreKeyUsed(opened.usedPreKeyId, ctx.now());
  rememberIdentity(ctx.store, sender, record.peerIdentityKey);
  saveSessionRecord(ctx.store, sender, record);

  const result: DecryptResult = {
    envelope,
    identityKey: record.peerIdentityKey.slice(),
    newSession: opened.newSession,
    respond: responseTo(record, key.kex),
  };
  return opened.usedPreKeyId === undefined ? result : { ...result, usedPreKeyId: opened.usedPreKeyId };
}

/**
 * The identity key a key exchange presents, without touching any state: lets the messaging
 * layer show the new key after CryptoError('identity-changed').
 */
export function keyExchangeIdentity(ctx: ProtocolContext, data: Uint8Array): Uint8Array {
  return ctx.wire.keyExchange.decode(data).ik.slice();
}
