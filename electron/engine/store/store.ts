/**
 * The entry point: `createStore` for a new folder, `openStore` for an existing one. Both
 * take the folder's lock first and hand back the repositories, the protocol core's store and
 * one synchronous `transaction` so the messaging layer can commit a ratchet step together
 * with the message it produced or consumed.
 */
import { mkdirSync } from 'node:fs';
import type { ProtocolStore } from '../protocol/store.js';
import { accountRepository, type AccountRepository } from './account.js';
import { conversationList, type ConversationList } from './conversation-list.js';
import { conversationRepository, type ConversationRepository } from './conversations.js';
import { deviceIdChange, type DeviceIdChange } from './device-id-change.js';
import { deviceRepository, type DeviceRepository } from './devices.js';
import { StoreError } from './errors.js';
import { storeFiles, type StoreFiles } from './files.js';
import { forgottenMessageRepository, type ForgottenMessageRepository } from './forgotten-messages.js';
import { changeProtector, rekey } from './key-management.js';
import { readKeyFile } from './key-file.js';
import { acquireLock, type StoreLock } from './lock-file.js';
import { maintenance } from './maintenance.js';
import { messageSearch, type MessageSearch } from './message-search.js';
import { messageRepository, type MessageRepository } from './messages.js';
import { schemaVersion, type Migration } from './migrations/index.js';
import { outboxRepository, type OutboxRepository } from './outbox.js';
import { preKeyRepository, type PreKeyRepository } from './pre-keys.js';
import { processedStanzaRepository, type ProcessedStanzaRepository } from './processed-stanzas.js';
import { protocolStore } from './protocol-store.js';
import type { KeyProtector, ProtectorKind } from './protector.js';
import { sessionRepository, type SessionRepository } from './sessions.js';
import { signedPreKeyRepository, type SignedPreKeyRepository } from './signed-pre-keys.js';
import { syncStateRepository, type SyncStateRepository } from './sync-state.js';
import type { Db } from './sqlite.js';
import { createNew, unlockExisting } from './unlock.js';

export interface StoreOptions {
  /** The folder holding parley.db, parley.key.json and parley.lock. */
  readonly dir: string;
  readonly protector: KeyProtector;
  /** Milliseconds since the epoch; injectable for tests. */
  readonly now?: () => number;
  /** Test seam: the schema migrations to apply. */
  readonly migrations?: readonly Migration[];
}

export interface Store {
  readonly account: AccountRepository;
  /** A new id for this device while it is unused (a device-id collision at first sign-in). */
  readonly deviceIdChange: DeviceIdChange;
  readonly preKeys: PreKeyRepository;
  readonly signedPreKeys: SignedPreKeyRepository;
  readonly devices: DeviceRepository;
  readonly sessions: SessionRepository;
  readonly conversations: ConversationRepository;
  readonly conversationList: ConversationList;
  readonly messages: MessageRepository;
  readonly search: MessageSearch;
  readonly outbox: OutboxRepository;
  readonly processedStanzas: ProcessedStanzaRepository;
  readonly forgottenMessages: ForgottenMessageRepository;
  /** Named values kept between runs (the archive catch-up cursor). */
  readonly syncState: SyncStateRepository;
  /** The protocol core's synchronous store (identity, pre-keys, signed pre-keys, sessions). */
  readonly protocol: ProtocolStore;
  /**
   * Runs `fn` in one SQLite transaction: everything it writes commits together or not at all.
   * `fn` must be synchronous (better-sqlite3 rejects a function returning a promise).
   * Nested calls become savepoints.
   */
  transaction<T>(fn: () => T): T;
  /** Re-wraps the database key (e.g. a new passphrase); the database itself is not rewritten. */
  changeProtector(current: KeyProtector, next: KeyProtector): Promise<void>;
  /** Re-encrypts the whole database under a new random key wrapped by `protector`. */
  rekey(protector: KeyProtector): Promise<void>;
  /** The schema version (PRAGMA user_version) of the open database. */
  schemaVersion(): number;
  /** Full PRAGMA integrity_check: the problems found, [] when the database is sound. */
  integrityCheck(): string[];
  /** Copies the WAL into the database and truncates it. */
  checkpoint(): void;
  close(): void;
}

export async function createStore(options: StoreOptions): Promise<Store> {
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  return withLock(options, (files) => createNew(files, options.protector, options.migrations));
}

export async function openStore(options: StoreOptions): Promise<Store> {
  return withLock(options, (files) => unlockExisting(files, options.protector, options.migrations));
}

/** What the app needs to know before asking the user anything: does a store exist, and how is it protected? */
export function describeStore(dir: string): { readonly protector: ProtectorKind; readonly backend?: string } | undefined {
  const record = readKeyFile(storeFiles(dir).key);
  if (record === undefined) return undefined;
  return record.protector === 'os-keystore' && record.backend !== null ? { protector: record.protector, backend: record.backend } : { protector: record.protector };
}

async function withLock(options: StoreOptions, unlock: (files: StoreFiles) => Promise<Db>): Promise<Store> {
  const files = storeFiles(options.dir);
  const lock = acquireLock(files.lock);
  try {
    const db = await unlock(files);
    return assemble(db, files, lock, options.now ?? Date.now);
  } catch (e) {
    lock.release();
    throw e;
  }
}

function assemble(db: Db, files: StoreFiles, lock: StoreLock, clock: () => number): Store {
  const upkeep = maintenance(db);
  const account = accountRepository(db);
  const preKeys = preKeyRepository(db, upkeep);
  const signedPreKeys = signedPreKeyRepository(db, upkeep);
  const devices = deviceRepository(db);
  const sessions = sessionRepository(db, upkeep);
  let keyOperation: Promise<void> = Promise.resolve();
  const assertOpen = (): void => {
    if (!db.open) throw new StoreError('closed', 'The message store is closed.');
  };
  /** Key operations are asynchronous (KDF, keystore); run them one at a time. */
  const serialised = (operation: () => Promise<void>): Promise<void> => {
    assertOpen();
    const run = keyOperation.then(operation, operation);
    keyOperation = run.catch(() => undefined);
    return run;
  };

  return {
    account,
    deviceIdChange: deviceIdChange(db),
    preKeys,
    signedPreKeys,
    devices,
    sessions,
    conversations: conversationRepository(db, upkeep, clock),
    conversationList: conversationList(db, clock),
    messages: messageRepository(db, upkeep, clock),
    search: messageSearch(db, clock),
    outbox: outboxRepository(db),
    processedStanzas: processedStanzaRepository(db),
    forgottenMessages: forgottenMessageRepository(db),
    syncState: syncStateRepository(db, clock),
    protocol: protocolStore({ account, preKeys, signedPreKeys, devices, sessions }, clock),
    transaction(fn) {
      assertOpen();
      const result = db.transaction(fn)();
      upkeep.settle();
      return result;
    },
    changeProtector: (current, next) => serialised(() => changeProtector(files, current, next)),
    rekey: (protector) => serialised(() => rekey(db, files, protector)),
    schemaVersion() {
      assertOpen();
      return schemaVersion(db);
    },
    integrityCheck() {
      assertOpen();
      const problems = db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
      return problems.map((p) => p.integrity_check).filter((p) => p !== 'ok');
    },
    checkpoint() {
      assertOpen();
      upkeep.checkpoint();
    },
    close() {
      if (!db.open) return;
      try {
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
        lock.release();
      }
    },
  };
}
