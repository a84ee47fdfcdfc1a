/**
 * Encrypting for devices (XEP-0384 §4.4, §5.5): the payload is encrypted once, and its key
 * material (key || mac, or 32 zero bytes for an empty message) is ratchet-encrypted per
 * recipient device. Sessions whose key exchange is unanswered wrap it in the key exchange.
 */
import { wipe } from '../crypto/bytes.js';
import { CryptoError } from '../crypto/errors.js';
import { ratchetEncrypt } from '../crypto/ratchet/index.js';
import { ratchetParamsOf, requireOwnIdentity, type ProtocolContext } from './context.js';
import { afterSending, type SessionRecord } from './session-record.js';
import { loadSessionRecord, saveSessionRecord } from './session-storage.js';
import { addressKey, type DeviceAddress } from './store.js';
import type { EncryptedKey, EncryptedMessage } from './types.js';

interface Recipient {
  readonly address: DeviceAddress;
  readonly record: SessionRecord;
}

function loadRecipients(ctx: ProtocolContext, recipients: readonly DeviceAddress[]): Recipient[] {
  const seen = new Set<string>();
  const loaded: Recipient[] = [];
  for (const address of recipients) {
    const key = addressKey(address);
    if (seen.has(key)) continue;
    seen.add(key);
    const record = loadSessionRecord(ctx.store, address);
    if (!record) throw new CryptoError('no-session', `no session with device ${address.deviceId} of ${address.jid}`);
    loaded.push({ address, record });
  }
  return loaded;
}

/**
 * `envelope` null sends an empty OMEMO message (acks, heartbeats, XEP-0384 §5.5.3). Throws
 * CryptoError('no-session') before anything changes if any recipient has no session; all
 * sessions are saved only once every key was encrypted.
 */
export function encryptMessage(
  ctx: ProtocolContext,
  envelope: Uint8Array | null,
  recipients: readonly DeviceAddress[],
): EncryptedMessage {
  const own = requireOwnIdentity(ctx);
  const loaded = loadRecipients(ctx, recipients);
  const params = ratchetParamsOf(ctx);
  const sealed =
    envelope === null ? { payload: null, keyMaterial: ctx.wire.payload.emptyKeyMaterial() } : ctx.wire.payload.encrypt(envelope);
  try {
    const keys: EncryptedKey[] = [];
    const updated: Recipient[] = [];
    for (const { address, record } of loaded) {
      const { state, message } = ratchetEncrypt(params, record.ratchet, sealed.keyMaterial);
      const kex = record.awaitingAnswer;
      const data = kex ? ctx.wire.keyExchange.encode({ ...record.keyExchange, message }) : message;
      keys.push({ address: { jid: address.jid, deviceId: address.deviceId }, kex, data });
      updated.push({ address, record: afterSending(record, state) });
    }
    for (const { address, record } of updated) saveSessionRecord(ctx.store, address, record);
    return { sender: { jid: own.jid, deviceId: own.deviceId }, payload: sealed.payload, keys };
  } finally {
    wipe(sealed.keyMaterial);
  }
}
