/** Session records per remote device: opaque bytes owned by the protocol core. */
import type { DeviceAddress } from '../protocol/store.js';
import type { Maintenance } from './maintenance.js';
import { toBytes, type Db } from './sqlite.js';

export interface SessionRepository {
  load(address: DeviceAddress): Uint8Array | undefined;
  save(address: DeviceAddress, record: Uint8Array, at: number): void;
  delete(address: DeviceAddress): void;
  listDevices(jid: string): number[];
}

export function sessionRepository(db: Db, upkeep: Maintenance): SessionRepository {
  const select = db.prepare<[string, number], Uint8Array>('SELECT record FROM sessions WHERE jid = ? AND device_id = ?').pluck();
  const upsert = db.prepare<[string, number, Uint8Array, number]>(
    `INSERT INTO sessions (jid, device_id, record, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (jid, device_id) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at`,
  );
  const remove = db.prepare<[string, number]>('DELETE FROM sessions WHERE jid = ? AND device_id = ?');
  const selectDevices = db.prepare<[string], number>('SELECT device_id FROM sessions WHERE jid = ? ORDER BY device_id').pluck();
  return {
    load(a) {
      const record = select.get(a.jid, a.deviceId);
      return record === undefined ? undefined : toBytes(record);
    },
    save: (a, record, at) => void upsert.run(a.jid, a.deviceId, record, at),
    delete(a) {
      if (remove.run(a.jid, a.deviceId).changes > 0) upkeep.afterDelete();
    },
    listDevices: (jid) => selectDevices.all(jid),
  };
}
