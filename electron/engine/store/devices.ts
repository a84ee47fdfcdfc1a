/**
 * Other devices — contacts' and our own other devices — with their identity keys and how
 * far the user trusts them. A device that drops out of its owner's device list is kept
 * (inactive) so its trust decision survives if it comes back.
 */
import type { DeviceAddress } from '../protocol/store.js';
import { equalBytes } from '../crypto/bytes.js';
import { optional, toBytes, type Db } from './sqlite.js';

export type TrustState = 'undecided' | 'trusted' | 'verified' | 'untrusted';
export type OmemoVersion = 'omemo:2' | 'omemo:0.3';

export interface Device {
  readonly jid: string;
  readonly deviceId: number;
  readonly identityKey?: Uint8Array;
  readonly trust: TrustState;
  readonly protocol: OmemoVersion;
  readonly label?: string;
  /** Listed in its owner's current device list. */
  readonly active: boolean;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

export interface DeviceRepository {
  get(address: DeviceAddress): Device | undefined;
  listForJid(jid: string): Device[];
  /** Records a device seen in a device list or a message: creates it (undecided) or refreshes it. */
  recordSeen(address: DeviceAddress, seen: { protocol: OmemoVersion; label?: string; at: number }): void;
  /** Applies a device list: listed devices become active, the others of that jid inactive. */
  applyDeviceList(jid: string, deviceIds: readonly number[], protocol: OmemoVersion, at: number): void;
  setTrust(address: DeviceAddress, trust: TrustState): void;
  /**
   * Stores the identity key. A different key for a known device is suspicious (device ids are
   * bound to one identity), so its trust falls back to undecided and the user is asked again.
   * Returns true when a previously known key was replaced.
   */
  saveIdentityKey(address: DeviceAddress, identityKey: Uint8Array, at: number, protocol?: OmemoVersion): boolean;
  delete(address: DeviceAddress): void;
}

interface Row {
  jid: string;
  device_id: number;
  identity_key: Uint8Array | null;
  trust: TrustState;
  protocol: OmemoVersion;
  label: string | null;
  active: number;
  first_seen: number;
  last_seen: number;
}

const fromRow = (row: Row): Device => ({
  jid: row.jid,
  deviceId: row.device_id,
  identityKey: row.identity_key === null ? undefined : toBytes(row.identity_key),
  trust: row.trust,
  protocol: row.protocol,
  label: optional(row.label),
  active: row.active === 1,
  firstSeen: row.first_seen,
  lastSeen: row.last_seen,
});

export function deviceRepository(db: Db): DeviceRepository {
  const columns = 'jid, device_id, identity_key, trust, protocol, label, active, first_seen, last_seen';
  const selectOne = db.prepare<[string, number], Row>(`SELECT ${columns} FROM devices WHERE jid = ? AND device_id = ?`);
  const selectForJid = db.prepare<[string], Row>(`SELECT ${columns} FROM devices WHERE jid = ? ORDER BY device_id`);
  const upsertSeen = db.prepare<{ jid: string; deviceId: number; protocol: OmemoVersion; label: string | null; at: number }>(
    `INSERT INTO devices (jid, device_id, protocol, label, active, first_seen, last_seen)
     VALUES (@jid, @deviceId, @protocol, @label, 1, @at, @at)
     ON CONFLICT (jid, device_id) DO UPDATE SET protocol = excluded.protocol, active = 1,
       label = coalesce(excluded.label, label), last_seen = max(last_seen, excluded.last_seen)`,
  );
  const deactivateAll = db.prepare<[string]>('UPDATE devices SET active = 0 WHERE jid = ?');
  const updateTrust = db.prepare<[TrustState, string, number]>('UPDATE devices SET trust = ? WHERE jid = ? AND device_id = ?');
  const upsertIdentity = db.prepare<{ jid: string; deviceId: number; key: Uint8Array; protocol: OmemoVersion; at: number; reset: number }>(
    `INSERT INTO devices (jid, device_id, identity_key, protocol, first_seen, last_seen)
     VALUES (@jid, @deviceId, @key, @protocol, @at, @at)
     ON CONFLICT (jid, device_id) DO UPDATE SET identity_key = excluded.identity_key,
       trust = CASE WHEN @reset = 1 THEN 'undecided' ELSE trust END,
       last_seen = max(last_seen, excluded.last_seen)`,
  );
  const remove = db.prepare<[string, number]>('DELETE FROM devices WHERE jid = ? AND device_id = ?');

  const get = (a: DeviceAddress): Device | undefined => {
    const row = selectOne.get(a.jid, a.deviceId);
    return row && fromRow(row);
  };

  return {
    get,
    listForJid: (jid) => selectForJid.all(jid).map(fromRow),
    recordSeen: (a, seen) => void upsertSeen.run({ jid: a.jid, deviceId: a.deviceId, protocol: seen.protocol, label: seen.label ?? null, at: seen.at }),
    applyDeviceList: db.transaction((jid: string, deviceIds: readonly number[], protocol: OmemoVersion, at: number) => {
      deactivateAll.run(jid);
      for (const deviceId of deviceIds) upsertSeen.run({ jid, deviceId, protocol, label: null, at });
    }),
    setTrust: (a, trust) => void updateTrust.run(trust, a.jid, a.deviceId),
    saveIdentityKey(a, key, at, protocol = 'omemo:2') {
      const known = get(a)?.identityKey;
      const replaced = known !== undefined && !equalBytes(known, key);
      upsertIdentity.run({ jid: a.jid, deviceId: a.deviceId, key, protocol, at, reset: replaced ? 1 : 0 });
      return replaced;
    },
    delete: (a) => void remove.run(a.jid, a.deviceId),
  };
}
