/** The one place that names the SQLite binding, so repositories share one type. */
import Database from 'better-sqlite3-multiple-ciphers';

export type Db = Database.Database;
export { Database };

/** SQLite returns BLOBs as Buffers; the engine speaks plain Uint8Array. */
export const toBytes = (blob: Uint8Array): Uint8Array => Uint8Array.from(blob);

/** NULL columns arrive as null; the engine's optional fields are undefined. */
export const optional = <T>(value: T | null): T | undefined => (value === null ? undefined : value);
