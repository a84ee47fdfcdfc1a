/**
 * The user's view of devices and their trust, straight from the store: works offline (the
 * CLI's `devices` and `trust`) and inside the running engine alike.
 */
import { formatFingerprint } from '../crypto/fingerprint.js';
import type { Store } from '../store/index.js';
import { bareJid, sameBareJid } from '../xmpp/jid.js';
import { MessagingError } from './errors.js';
import type { DeviceInfo } from './events.js';
import { isTrusted, type TrustDecision } from './trust.js';

/** Known devices of `jid` (ours included for our own JID) with fingerprints and trust. */
export function listDevices(store: Store, jid: string): DeviceInfo[] {
  const bare = bareJid(jid);
  const own = store.account.get();
  const all = store.devices.listForJid(bare);
  const infos = all.map((d): DeviceInfo => {
    const isOwn = own !== undefined && sameBareJid(bare, own.jid) && d.deviceId === own.deviceId;
    const key = isOwn ? own.identityPublic : d.identityKey;
    return {
      jid: d.jid,
      deviceId: d.deviceId,
      ...(key ? { fingerprint: formatFingerprint(key) } : {}),
      trust: isOwn ? 'verified' : d.trust,
      effectiveTrust: isOwn || isTrusted(d, all),
      active: d.active,
      own: isOwn,
      firstSeen: d.firstSeen,
      lastSeen: d.lastSeen,
    };
  });
  return infos;
}

/**
 * The user's decision on one device. Verifying any device of a contact ends blind trust for
 * that contact: its undecided devices are no longer encrypted to until trusted explicitly.
 */
export function setDeviceTrust(store: Store, jid: string, deviceId: number, decision: TrustDecision): void {
  const address = { jid: bareJid(jid), deviceId };
  if (!store.devices.get(address)) throw new MessagingError('no-device', 'no such device is known for that account');
  store.devices.setTrust(address, decision);
}
