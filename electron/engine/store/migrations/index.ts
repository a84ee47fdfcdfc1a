import type { Migration } from './migration.js';
import { initialSchema } from './001-initial-schema.js';

/** Append only. Never edit a migration that has shipped: add the next one. */
export const MIGRATIONS: readonly Migration[] = [initialSchema];

export type { Migration } from './migration.js';
export { assertKnownVersion, migrate, schemaVersion } from './migrate.js';
