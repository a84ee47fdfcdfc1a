/** The encrypted local store: everything the engine keeps on disk, in one encrypted SQLite file. */
export { createStore, describeStore, openStore, type Store, type StoreOptions } from './store.js';
export { StoreError, isStoreError, type StoreErrorCode } from './errors.js';
export type { KeyProtector, WrappedKey, ProtectorKind } from './protector.js';
export { passphraseProtector, DEFAULT_SCRYPT, type ScryptParams } from './passphrase-protector.js';
export { keystoreProtector, type SafeStorageLike } from './keystore-protector.js';
export type { AccountRepository } from './account.js';
export type { PreKeyRepository } from './pre-keys.js';
export type { SignedPreKeyRepository } from './signed-pre-keys.js';
export type { Device, DeviceRepository, TrustState, OmemoVersion } from './devices.js';
export type { SessionRepository } from './sessions.js';
export type { Conversation, ConversationKind, ConversationRepository } from './conversations.js';
export type { ConversationList, ConversationSummary } from './conversation-list.js';
export type { Message, MessageCursor, DeliveryState, Direction, Encryption } from './message-row.js';
export type { MessageRepository, PageRequest } from './messages.js';
export type { MessageSearch, SearchOptions } from './message-search.js';
export type { OutboxEntry, OutboxRepository } from './outbox.js';
export type { ProcessedStanzaRepository } from './processed-stanzas.js';
export type { ForgottenMessageRepository } from './forgotten-messages.js';
