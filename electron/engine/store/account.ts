/** This account and this device's long-term identity: one row. */
import type { OwnIdentity } from '../protocol/store.js';
import { toBytes, type Db } from './sqlite.js';

export interface AccountRepository {
  get(): OwnIdentity | undefined;
  /** Creates or replaces the account (a new device identity replaces the old one). */
  save(identity: OwnIdentity): void;
}

interface Row {
  jid: string;
  device_id: number;
  identity_seed: Uint8Array;
  identity_public: Uint8Array;
}

export function accountRepository(db: Db): AccountRepository {
  const select = db.prepare<[], Row>('SELECT jid, device_id, identity_seed, identity_public FROM account WHERE singleton = 1');
  const upsert = db.prepare(
    `INSERT INTO account (singleton, jid, device_id, identity_seed, identity_public) VALUES (1, ?, ?, ?, ?)
     ON CONFLICT (singleton) DO UPDATE SET jid = excluded.jid, device_id = excluded.device_id,
       identity_seed = excluded.identity_seed, identity_public = excluded.identity_public`,
  );
  return {
    get() {
      const row = select.get();
      return row && { jid: row.jid, deviceId: row.device_id, identitySeed: toBytes(row.identity_seed), identityPublic: toBytes(row.identity_public) };
    },
    save(identity) {
      upsert.run(identity.jid, identity.deviceId, identity.identitySeed, identity.identityPublic);
    },
  };
}
