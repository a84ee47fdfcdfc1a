/** Conversations and their settings. Deleting one deletes its history for good. */
import type { Maintenance } from './maintenance.js';
import { optional, type Db } from './sqlite.js';

export type ConversationKind = 'chat' | 'groupchat';

export interface Conversation {
  readonly id: number;
  readonly peerJid: string;
  readonly kind: ConversationKind;
  /** Disappearing-message timer; undefined = messages are kept. */
  readonly disappearingSeconds?: number;
  /** Settings version, reserved for synchronising settings between devices. */
  readonly version: number;
  readonly createdAt: number;
}

export interface ConversationRepository {
  /** The conversation with that peer, created on first use. */
  open(peerJid: string, kind?: ConversationKind): Conversation;
  get(id: number): Conversation | undefined;
  findByPeer(peerJid: string): Conversation | undefined;
  setDisappearingTimer(id: number, seconds: number | undefined): void;
  /** Deletes the conversation and all its messages; their ids are remembered as deleted. */
  delete(id: number): boolean;
}

export interface ConversationRow {
  id: number;
  peer_jid: string;
  kind: ConversationKind;
  disappearing_seconds: number | null;
  version: number;
  created_at: number;
}

export const CONVERSATION_COLUMNS = 'c.id, c.peer_jid, c.kind, c.disappearing_seconds, c.version, c.created_at';

export const conversationFromRow = (row: ConversationRow): Conversation => ({
  id: row.id,
  peerJid: row.peer_jid,
  kind: row.kind,
  disappearingSeconds: optional(row.disappearing_seconds),
  version: row.version,
  createdAt: row.created_at,
});

export function conversationRepository(db: Db, upkeep: Maintenance, clock: () => number): ConversationRepository {
  const insert = db.prepare<[string, ConversationKind, number]>(
    'INSERT INTO conversations (peer_jid, kind, created_at) VALUES (?, ?, ?) ON CONFLICT (peer_jid) DO NOTHING',
  );
  const selectById = db.prepare<[number], ConversationRow>(`SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = ?`);
  const selectByPeer = db.prepare<[string], ConversationRow>(`SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.peer_jid = ?`);
  const updateTimer = db.prepare<[number | null, number]>('UPDATE conversations SET disappearing_seconds = ? WHERE id = ?');
  const rememberMessages = db.prepare<[number, number]>(
    `INSERT OR IGNORE INTO forgotten_messages (message_id, stanza_id, reason, at)
     SELECT id, stanza_id, 'deleted', ? FROM messages WHERE conversation_id = ?`,
  );
  const remove = db.prepare<[number]>('DELETE FROM conversations WHERE id = ?');

  const findByPeer = (peerJid: string): Conversation | undefined => {
    const row = selectByPeer.get(peerJid);
    return row && conversationFromRow(row);
  };
  const deleteWithHistory = db.transaction((id: number): boolean => {
    rememberMessages.run(clock(), id);
    return remove.run(id).changes > 0; // messages go by ON DELETE CASCADE, their index rows by trigger
  });

  return {
    open: db.transaction((peerJid: string, kind: ConversationKind = 'chat'): Conversation => {
      insert.run(peerJid, kind, clock());
      return findByPeer(peerJid)!;
    }),
    get(id) {
      const row = selectById.get(id);
      return row && conversationFromRow(row);
    },
    findByPeer,
    setDisappearingTimer: (id, seconds) => void updateTimer.run(seconds ?? null, id),
    delete(id) {
      const deleted = deleteWithHistory(id);
      if (deleted) upkeep.afterDelete();
      return deleted;
    },
  };
}
