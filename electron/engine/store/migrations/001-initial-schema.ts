import type { Migration } from './migration.js';

/**
 * Schema 1. Key material and history live in the same encrypted file; nothing here is
 * encrypted column by column because the whole database is (see database.ts).
 */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial schema',
  up(db) {
    db.exec(`
      -- This account and this device's long-term identity (XEP-0384 §5.3.2).
      CREATE TABLE account (
        singleton       INTEGER PRIMARY KEY CHECK (singleton = 1),
        jid             TEXT    NOT NULL,
        device_id       INTEGER NOT NULL CHECK (device_id BETWEEN 1 AND 2147483647),
        identity_seed   BLOB    NOT NULL CHECK (length(identity_seed) = 32),
        identity_public BLOB    NOT NULL CHECK (length(identity_public) = 32)
      );

      CREATE TABLE pre_keys (
        id          INTEGER PRIMARY KEY,
        private_key BLOB    NOT NULL,
        public_key  BLOB    NOT NULL,
        used_at     INTEGER
      );

      CREATE TABLE signed_pre_keys (
        id          INTEGER PRIMARY KEY,
        private_key BLOB    NOT NULL,
        public_key  BLOB    NOT NULL,
        signature   BLOB    NOT NULL,
        created_at  INTEGER NOT NULL,
        retired_at  INTEGER
      );

      -- Other devices (contacts' and our own other devices) and how far we trust them.
      CREATE TABLE devices (
        jid          TEXT    NOT NULL,
        device_id    INTEGER NOT NULL CHECK (device_id BETWEEN 1 AND 2147483647),
        identity_key BLOB,
        trust        TEXT    NOT NULL DEFAULT 'undecided'
                     CHECK (trust IN ('undecided', 'trusted', 'verified', 'untrusted')),
        protocol     TEXT    NOT NULL CHECK (protocol IN ('omemo:2', 'omemo:0.3')),
        label        TEXT,
        active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        first_seen   INTEGER NOT NULL,
        last_seen    INTEGER NOT NULL,
        PRIMARY KEY (jid, device_id)
      ) WITHOUT ROWID;

      -- Opaque session records owned by the protocol core.
      CREATE TABLE sessions (
        jid        TEXT    NOT NULL,
        device_id  INTEGER NOT NULL,
        record     BLOB    NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (jid, device_id)
      ) WITHOUT ROWID;

      CREATE TABLE conversations (
        id                   INTEGER PRIMARY KEY,
        peer_jid             TEXT    NOT NULL UNIQUE,
        kind                 TEXT    NOT NULL DEFAULT 'chat' CHECK (kind IN ('chat', 'groupchat')),
        disappearing_seconds INTEGER CHECK (disappearing_seconds IS NULL OR disappearing_seconds > 0),
        -- Reserved for settings synchronised between devices (last writer by version wins).
        version              INTEGER NOT NULL DEFAULT 0,
        created_at           INTEGER NOT NULL
      );

      -- seq is the rowid the full-text index points at; id is the message id the app uses.
      CREATE TABLE messages (
        seq             INTEGER PRIMARY KEY,
        id              TEXT    NOT NULL UNIQUE,
        stanza_id       TEXT,
        conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        direction       TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
        sender_jid      TEXT    NOT NULL,
        sender_device   INTEGER,
        body            TEXT,
        sent_at         INTEGER NOT NULL,
        received_at     INTEGER,
        state           TEXT    NOT NULL
                        CHECK (state IN ('pending', 'sent', 'delivered', 'failed', 'undecryptable')),
        state_reason    TEXT,
        encryption      TEXT    NOT NULL CHECK (encryption IN ('omemo:2', 'omemo:0.3', 'none')),
        expires_at      INTEGER,
        displayed_at    INTEGER
      );
      CREATE INDEX messages_by_time ON messages (conversation_id, sent_at, id);
      CREATE INDEX messages_by_stanza_id ON messages (stanza_id) WHERE stanza_id IS NOT NULL;
      CREATE INDEX messages_unread ON messages (conversation_id) WHERE direction = 'in' AND displayed_at IS NULL;
      CREATE INDEX messages_by_expiry ON messages (expires_at) WHERE expires_at IS NOT NULL;

      -- External-content full-text index over messages.body, kept in step by triggers.
      -- 'secure-delete' makes FTS5 remove a deleted row's terms from the index itself
      -- instead of only adding a tombstone beside them.
      CREATE VIRTUAL TABLE messages_fts USING fts5 (
        body, content = 'messages', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
      );
      INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', 1);
      CREATE TRIGGER messages_fts_after_insert AFTER INSERT ON messages WHEN new.body IS NOT NULL BEGIN
        INSERT INTO messages_fts (rowid, body) VALUES (new.seq, new.body);
      END;
      CREATE TRIGGER messages_fts_after_delete AFTER DELETE ON messages WHEN old.body IS NOT NULL BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.seq, old.body);
      END;
      CREATE TRIGGER messages_fts_after_update AFTER UPDATE OF body ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body) SELECT 'delete', old.seq, old.body WHERE old.body IS NOT NULL;
        INSERT INTO messages_fts (rowid, body) SELECT new.seq, new.body WHERE new.body IS NOT NULL;
      END;

      -- Encrypted stanzas not yet acknowledged by the server. The ratchet has already
      -- advanced for them, so a retry resends these exact bytes instead of re-encrypting.
      CREATE TABLE outbox (
        message_id      TEXT    PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
        payload         BLOB    NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        created_at      INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      -- Stanza ids already handled (live, carbons, archive), so nothing is processed twice.
      CREATE TABLE processed_stanzas (
        scope        TEXT    NOT NULL,
        stanza_id    TEXT    NOT NULL,
        processed_at INTEGER NOT NULL,
        PRIMARY KEY (scope, stanza_id)
      ) WITHOUT ROWID;
      CREATE INDEX processed_stanzas_by_age ON processed_stanzas (processed_at);

      -- Messages that expired or were deleted: an archive sync must never bring them back.
      CREATE TABLE forgotten_messages (
        message_id TEXT    PRIMARY KEY,
        stanza_id  TEXT,
        reason     TEXT    NOT NULL CHECK (reason IN ('expired', 'deleted')),
        at         INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX forgotten_messages_by_stanza_id ON forgotten_messages (stanza_id) WHERE stanza_id IS NOT NULL;
    `);
  },
};
