/**
 * What every session-layer call needs: the store, the wire format of the namespace it speaks,
 * the asymmetric backend and a clock (injected so tests control time).
 */
import type { AsymmetricBackend } from '../crypto/backend/types.js';
import { CryptoError } from '../crypto/errors.js';
import type { RatchetParams } from '../crypto/ratchet/types.js';
import type { WireFormat } from '../crypto/wire/wire-format.js';
import type { OwnIdentity, ProtocolStore } from './store.js';

export interface ProtocolContext {
  readonly store: ProtocolStore;
  readonly wire: WireFormat;
  readonly backend: AsymmetricBackend;
  /** Milliseconds since the epoch. */
  now(): number;
}

export function requireOwnIdentity(ctx: ProtocolContext): OwnIdentity {
  const identity = ctx.store.getOwnIdentity();
  if (!identity) throw new CryptoError('no-identity', 'this device has no identity yet (createDevice first)');
  return identity;
}

export const ratchetParamsOf = (ctx: ProtocolContext): RatchetParams => ctx.wire.ratchetParams(ctx.backend);
