import type { Migration } from './migration.js';

/**
 * Schema 3: sync state, small named values the engine keeps between runs, such as the archive
 * (XEP-0313 MAM) catch-up cursor: the stanza-id of the last archived message processed.
 */
export const syncState: Migration = {
  version: 3,
  name: 'sync state',
  up(db) {
    db.exec(`
      CREATE TABLE sync_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
