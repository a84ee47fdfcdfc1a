/**
 * Deletions must leave nothing behind. secure_delete zeroes the freed space in the database,
 * but the old page images stay in the WAL until a checkpoint copies the WAL back and
 * truncates it. Repositories that delete messages or key material (pre-keys, signed
 * pre-keys, sessions) call `afterDelete()`; inside a transaction the checkpoint waits until
 * the outermost transaction has committed.
 */
import type { Db } from './sqlite.js';

export interface Maintenance {
  afterDelete(): void;
  /** Runs a deferred checkpoint once no transaction is open. */
  settle(): void;
  checkpoint(): void;
}

export function maintenance(db: Db): Maintenance {
  let pending = false;
  const checkpoint = (): void => {
    pending = false;
    db.pragma('wal_checkpoint(TRUNCATE)');
  };
  const settle = (): void => {
    if (pending && !db.inTransaction) checkpoint();
  };
  return {
    afterDelete() {
      pending = true;
      settle();
    },
    settle,
    checkpoint,
  };
}
