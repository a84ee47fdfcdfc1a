/** The session layer of the protocol core: the API the messaging layer and the interop tests use (one import). */
export type { ProtocolContext } from './context.js';
export {
  createDevice,
  deleteUsedPreKeys,
  getOwnBundle,
  replenishPreKeys,
  rotateSignedPreKey,
  type CreateDeviceOptions,
  type RotateSignedPreKeyOptions,
} from './device.js';
export { buildSession, resetSession } from './session-builder.js';
export { encryptMessage } from './encrypt.js';
export { decryptMessage, keyExchangeIdentity, type DecryptResult, type ReceivedKey } from './decrypt.js';
export { HEARTBEAT_THRESHOLD, type SessionResponse } from './session-rules.js';
export { MemoryProtocolStore } from './memory-store.js';
export type { Initiation, SessionRecord } from './session-record.js';
export { decodeSessionRecord, encodeSessionRecord, SESSION_RECORD_VERSION } from './session-record-codec.js';
export * from './store.js';
export type * from './types.js';
