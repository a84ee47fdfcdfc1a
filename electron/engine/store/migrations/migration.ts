import type { Db } from '../sqlite.js';

/**
 * One forward-only schema step. `up` runs inside a transaction together with the
 * user_version bump, so it must use only transactional statements (no VACUUM, no
 * journal_mode): if it throws, the database stays exactly at the previous version.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Db): void;
}
