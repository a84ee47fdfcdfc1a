/** This account's own OMEMO device in the store: created once, then reused on every start. */
import type { AsymmetricBackend } from '../crypto/backend/index.js';
import { omemo2Wire } from '../crypto/wire/omemo2/index.js';
import { createDevice, type OwnIdentity, type ProtocolContext } from '../protocol/index.js';
import type { Store } from '../store/index.js';
import { bareJid } from '../xmpp/jid.js';
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
