/**
 * The slice of Parley's protocol core the interop tests drive, gathered in one place: a Parley device
 * is an in-memory store plus the OMEMO:2 wire format on one of the two crypto backends.
 */
import type { AsymmetricBackend } from '../../electron/engine/crypto/backend/index.js';
import { omemo2Wire } from '../../electron/engine/crypto/wire/omemo2/index.js';
import {
  createDevice,
  MemoryProtocolStore,
  type DeviceAddress,
  type ProtocolContext,
} from '../../electron/engine/protocol/index.js';

export {
  buildSession,
  decryptMessage,
  encryptMessage,
  getOwnBundle,
  type DecryptResult,
  type ProtocolContext,
} from '../../electron/engine/protocol/index.js';

export interface ParleyDevice {
  readonly ctx: ProtocolContext;
  readonly address: DeviceAddress;
}

export function createParleyDevice(backend: AsymmetricBackend, jid: string): ParleyDevice {
  const ctx: ProtocolContext = { store: new MemoryProtocolStore(), wire: omemo2Wire, backend, now: () => Date.now() };
  const own = createDevice(ctx, { jid });
  return { ctx, address: { jid, deviceId: own.deviceId } };
}
