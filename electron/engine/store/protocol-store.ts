/** The protocol core's store interfaces (protocol/store.ts) on the SQLite repositories. */
import type { ProtocolStore } from '../protocol/store.js';
import type { AccountRepository } from './account.js';
import type { DeviceRepository } from './devices.js';
import type { PreKeyRepository } from './pre-keys.js';
import type { SessionRepository } from './sessions.js';
import type { SignedPreKeyRepository } from './signed-pre-keys.js';

export interface ProtocolRepositories {
  readonly account: AccountRepository;
  readonly devices: DeviceRepository;
  readonly preKeys: PreKeyRepository;
  readonly signedPreKeys: SignedPreKeyRepository;
  readonly sessions: SessionRepository;
}

export function protocolStore(r: ProtocolRepositories, clock: () => number): ProtocolStore {
  return {
    getOwnIdentity: () => r.account.get(),
    saveOwnIdentity: (identity) => r.account.save(identity),
    getRemoteIdentity: (address) => r.devices.get(address)?.identityKey,
    saveRemoteIdentity: (address, identityPublic) => void r.devices.saveIdentityKey(address, identityPublic, clock()),

    getPreKey: (id) => r.preKeys.get(id),
    listPreKeys: () => r.preKeys.list(),
    savePreKey: (preKey) => r.preKeys.save(preKey),
    markPreKeyUsed: (id, at) => r.preKeys.markUsed(id, at),
    deletePreKey: (id) => r.preKeys.delete(id),

    getSignedPreKey: (id) => r.signedPreKeys.get(id),
    listSignedPreKeys: () => r.signedPreKeys.list(),
    saveSignedPreKey: (key) => r.signedPreKeys.save(key),
    deleteSignedPreKey: (id) => r.signedPreKeys.delete(id),

    loadSession: (address) => r.sessions.load(address),
    saveSession: (address, record) => r.sessions.save(address, record, clock()),
    deleteSession: (address) => r.sessions.delete(address),
    listSessionDevices: (jid) => r.sessions.listDevices(jid),
  };
}
