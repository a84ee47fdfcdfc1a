/** This account's own OMEMO device in the store: created once, then reused on every start. */
import type { AsymmetricBackend } from '../crypto/backend/index.js';
import { generateDeviceId } from '../crypto/identity.js';
import { omemo2Wire } from '../crypto/wire/omemo2/index.js';
import { createDevice, type OwnIdentity, type ProtocolContext } from '../protocol/index.js';
import type { Store } from '../store/index.js';
import { bareJid } from '../xmpp/jid.js';
import type { EngineContext } from './context.js';
import { MessagingError } from './errors.js';

export function protocolContext(store: Store, backend: AsymmetricBackend, now: () => number): ProtocolContext {
  return { store: store.protocol, wire: omemo2Wire, backend, now };
}

/**
 * The device of `jid` in this store, created (identity, signed pre-key, one-time pre-keys)
 * when the store has none. A store belongs to one account: another JID is refused.
 */
export function ensureOwnDevice(ctx: ProtocolContext, store: Store, jid: string, preKeyCount?: number): { identity: OwnIdentity; created: boolean } {
  const existing = store.account.get();
  if (existing) {
    if (existing.jid !== bareJid(jid)) throw new MessagingError('no-device', 'this store belongs to another account');
    return { identity: existing, created: false };
  }
  const identity = store.transaction(() => createDevice(ctx, { jid: bareJid(jid), ...(preKeyCount !== undefined ? { preKeyCount } : {}) }));
  return { identity, created: true };
}

/** A random device id that no device in `taken` has (XEP-0384 §5.3.1). */
function unusedDeviceId(taken: ReadonlySet<number>): number {
  for (;;) {
    const id = generateDeviceId();
    if (!taken.has(id)) return id;
  }
}

/**
 * Our device id is listed for a device with another identity key: a collision (XEP-0384
 * §5.3.1). A device that was never used takes a new id, not in `taken`, and returns it. A
 * used one cannot — other devices know it by this id — and sign-in fails without touching
 * the other device's keys.
 */
export function resolveDeviceIdCollision(ctx: EngineContext, taken: ReadonlySet<number>): number {
  const next = unusedDeviceId(new Set([...taken, ctx.deviceId]));
  if (!ctx.store.deviceIdChange.changeIfUnused(next)) {
    throw new MessagingError(
      'device-id-taken',
      `another device of this account publishes keys under this device's id (${ctx.deviceId}). ` +
        'This device has already exchanged messages, so Parley keeps its id and leaves the other keys alone: ' +
        'remove the other device from the account on that device, or set this device up again with a new message store',
    );
  }
  // The context is shared by every part of the engine, which reads the id on each use; it
  // changes only here, while nothing depends on it yet.
  ctx.deviceId = next;
  return next;
}
