/**
 * Maps between Parley's protocol types and the python peer's shapes. Field for field, no re-encoding:
 * the bytes Parley produces are exactly the bytes python-omemo receives, and the other way round.
 */
import type { DeviceAddress } from '../../electron/engine/protocol/store.js';
import type { Bundle, EncryptedKey, EncryptedMessage } from '../../electron/engine/protocol/types.js';
import type { PeerBundle, PeerKey, PeerMessage } from './python-peer.js';

export function bundleFromPeer(b: PeerBundle): Bundle {
  return {
    deviceId: b.deviceId,
    identityKey: b.ik,
    signedPreKey: { id: b.spk.id, publicKey: b.spk.pub, signature: b.spk.sig },
    preKeys: b.preKeys.map((k) => ({ id: k.id, publicKey: k.pub })),
  };
}

export function bundleToPeer(b: Bundle): PeerBundle {
  return {
    deviceId: b.deviceId,
    ik: b.identityKey,
    spk: { id: b.signedPreKey.id, pub: b.signedPreKey.publicKey, sig: b.signedPreKey.signature },
    preKeys: b.preKeys.map((k) => ({ id: k.id, pub: k.publicKey })),
  };
}

export function messageToPeer(m: EncryptedMessage): PeerMessage {
  return {
    sender: { jid: m.sender.jid, deviceId: m.sender.deviceId },
    payload: m.payload,
    keys: m.keys.map((k) => ({ jid: k.address.jid, deviceId: k.address.deviceId, kex: k.kex, data: k.data })),
  };
}

export function messageFromPeer(m: PeerMessage): EncryptedMessage {
  return {
    sender: m.sender,
    payload: m.payload,
    keys: m.keys.map((k): EncryptedKey => ({ address: { jid: k.jid, deviceId: k.deviceId }, kex: k.kex, data: k.data })),
  };
}

/** The one `<key>` of a message meant for `device`; fails the test if there is none or several. */
export function peerKeyFor(m: PeerMessage, device: DeviceAddress): PeerKey {
  const keys = m.keys.filter((k) => k.jid === device.jid && k.deviceId === device.deviceId);
  if (keys.length !== 1) {
    const present = m.keys.map((k) => `${k.jid}/${k.deviceId}`).join(', ');
    throw new Error(`expected one key for ${device.jid}/${device.deviceId}, found ${keys.length} (keys: ${present})`);
  }
  return keys[0]!;
}

/** The one key of a Parley message meant for `device`. */
export function parleyKeyFor(m: EncryptedMessage, device: DeviceAddress): EncryptedKey {
  const keys = m.keys.filter((k) => k.address.jid === device.jid && k.address.deviceId === device.deviceId);
  if (keys.length !== 1) throw new Error(`expected one key for ${device.jid}/${device.deviceId}, found ${keys.length}`);
  return keys[0]!;
}
