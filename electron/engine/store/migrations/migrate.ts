import { StoreError } from '../errors.js';
import type { Db } from '../sqlite.js';
import type { Migration } from './migration.js';

export const schemaVersion = (db: Db): number => db.pragma('user_version', { simple: true }) as number;

/**
 * Brings the schema to the newest version this build knows, one transaction per step.
 * A database from a newer Parley is refused untouched: its schema may mean things this
 * build would misread or undo.
 */
export function migrate(db: Db, migrations: readonly Migration[]): void {
  assertKnownVersion(db, migrations);
  const current = schemaVersion(db);
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    const before = schemaVersion(db);
    try {
      db.transaction(() => {
        migration.up(db);
        db.pragma(`user_version = ${migration.version}`);
      })();
    } catch (cause) {
      throw new StoreError('migration-failed', `Upgrading the store to schema ${migration.version} (${migration.name}) failed; it is unchanged at schema ${before}.`, { cause });
    }
  }
}

/** Throws newer-version, before anything is written, if the schema is newer than `migrations` know. */
export function assertKnownVersion(db: Db, migrations: readonly Migration[]): void {
  assertContiguous(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new StoreError('newer-version', `This store was written by a newer version of Parley (schema ${current}, this version knows ${latest}). Update Parley to open it.`);
  }
}

function assertContiguous(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}
