/**
 * Giving this device another id. A device id must be unique within the account (XEP-0384
 * §5.3.1); a new device whose random id turns out to belong to another device of the account
 * takes a new one — but only before anything depends on the old id: once a session exists, a
 * pre-key was consumed or a message arrived, other devices address this one by that id.
 */
import type { Db } from './sqlite.js';

export interface DeviceIdChange {
  /** Whether this device has taken part in a conversation: a session, a consumed pre-key, a received message. */
  isUsed(): boolean;
  /**
   * In one transaction: when the device is unused, gives it `deviceId` (the account row, and
   * the messages and timer changes written here but not yet sent). Returns false and changes
   * nothing when the device is used or the store holds no account.
   */
  changeIfUnused(deviceId: number): boolean;
}

export function deviceIdChange(db: Db): DeviceIdChange {
  const used = db
    .prepare<[], number>(
      `SELECT EXISTS (SELECT 1 FROM sessions)
           OR EXISTS (SELECT 1 FROM pre_keys WHERE used_at IS NOT NULL)
           OR EXISTS (SELECT 1 FROM messages WHERE direction = 'in')
           OR EXISTS (SELECT 1 FROM outbox)`,
    )
    .pluck();
  const account = db.prepare<[], { jid: string; device_id: number }>('SELECT jid, device_id FROM account WHERE singleton = 1');
  const setAccount = db.prepare<[number]>('UPDATE account SET device_id = ? WHERE singleton = 1');
  // Messages queued before the first sign-in carry the device they will be sent from.
  const setQueued = db.prepare<[number, string, number]>("UPDATE messages SET sender_device = ? WHERE direction = 'out' AND sender_jid = ? AND sender_device = ?");
  const setTimers = db.prepare<[number, string, number]>('UPDATE conversations SET timer_set_device = ? WHERE timer_set_by = ? AND timer_set_device = ?');
  const isUsed = (): boolean => used.get() === 1;
  return {
    isUsed,
    changeIfUnused: db.transaction((deviceId: number): boolean => {
      const row = account.get();
      if (!row || isUsed()) return false;
      setAccount.run(deviceId);
      setQueued.run(deviceId, row.jid, row.device_id);
      setTimers.run(deviceId, row.jid, row.device_id);
      return true;
    }),
  };
}
