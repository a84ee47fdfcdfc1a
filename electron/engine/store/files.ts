/** The files of one store, all in one folder. */
import { join } from 'node:path';

export interface StoreFiles {
  readonly dir: string;
  readonly database: string;
  /** The wrapped database key. */
  readonly key: string;
  /** The wrapped next key while a rekey is under way (see rekey.ts). */
  readonly pendingKey: string;
  readonly lock: string;
}

export function storeFiles(dir: string): StoreFiles {
  return {
    dir,
    database: join(dir, 'parley.db'),
    key: join(dir, 'parley.key.json'),
    pendingKey: join(dir, 'parley.key.next.json'),
    lock: join(dir, 'parley.lock'),
  };
}
