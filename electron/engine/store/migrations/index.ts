import type { Migration } from './migration.js';
import { initialSchema } from './001-initial-schema.js';
import { disappearingMessages } from './002-disappearing-messages.js';
import { syncState } from './003-sync-state.js';

/** Append only. Never edit a migration that has shipped: add the next one. */
export const MIGRATIONS: readonly Migration[] = [initialSchema, disappearingMessages, syncState];

export type { Migration } from './migration.js';
export { assertKnownVersion, migrate, schemaVersion } from './migrate.js';
