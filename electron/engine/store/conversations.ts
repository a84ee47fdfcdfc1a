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
  /** Settings version: orders timer changes from both sides (disappearing/timer-setting.ts). */
  readonly version: number;
  /** Who last set the timer (bare JID), from which device, when; undefined while never set. */
  readonly timerSetBy?: string;
  readonly timerSetDevice?: number;
  readonly timerSetAt?: number;
  readonly createdAt: number;
}

/** One value of a conversation's disappearing timer, with what orders it against others. */
export interface TimerSettingRecord {
  /** undefined = off. */
  readonly seconds?: number;
  readonly version: number;
  readonly setBy: string;
  readonly setDevice: number;
  readonly setAt: number;
}

export interface ConversationRepository {
  /** The conversation with that peer, created on first use. */
  open(peerJid: string, kind?: ConversationKind): Conversation;
  get(id: number): Conversation | undefined;
  findByPeer(peerJid: string): Conversation | undefined;
  setDisappearingTimer(id: number, seconds: number | undefined): void;
  /**
   * Stores `setting` only if it orders after the current one by (version, setBy, setDevice);
   * true if it was stored. `unannounced` marks our own change as not yet sent.
   */
  applyTimerSetting(id: number, setting: TimerSettingRecord, unannounced: boolean): boolean;
  /** Conversations whose own timer change still has to be sent. */
  listUnannouncedTimers(): Conversation[];
  markTimerAnnounced(id: number, version: number): void;
  /** Deletes the conversation and all its messages; their ids are remembered as deleted. */
  delete(id: number): boolean;
}

export interface ConversationRow {
  id: number;
  peer_jid: string;
  kind: ConversationKind;
  disappearing_seconds: number | null;
  version: number;
  timer_set_by: string | null;
  timer_set_device: number | null;
  timer_set_at: number | null;
  created_at: number;
}

export const CONVERSATION_COLUMNS = 'c.id, c.peer_jid, c.kind, c.disappearing_seconds, c.version, c.timer_set_by, c.timer_set_device, c.timer_set_at, c.created_at';

export const conversationFromRow = (row: ConversationRow): Conversation => ({
  id: row.id,
  peerJid: row.peer_jid,
  kind: row.kind,
  disappearingSeconds: optional(row.disappearing_seconds),
  version: row.version,
  timerSetBy: optional(row.timer_set_by),
  timerSetDevice: optional(row.timer_set_device),
  timerSetAt: optional(row.timer_set_at),
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
  // Row-value comparison: the later setting wins on every device, whatever order they arrive in.
  const applyTimer = db.prepare<{ id: number; seconds: number | null; version: number; by: string; device: number; at: number; unannounced: number }>(
    `UPDATE conversations SET disappearing_seconds = @seconds, version = @version, timer_set_by = @by,
       timer_set_device = @device, timer_set_at = @at, timer_unannounced = @unannounced
     WHERE id = @id AND (version, coalesce(timer_set_by, ''), coalesce(timer_set_device, 0)) < (@version, @by, @device)`,
  );
  const selectUnannounced = db.prepare<[], ConversationRow>(`SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.timer_unannounced = 1`);
  const clearUnannounced = db.prepare<[number, number]>('UPDATE conversations SET timer_unannounced = 0 WHERE id = ? AND version = ?');

  const findByPeer = (peerJid: string): Conversation | undefined => {
    const row = selectByPeer.get(peerJid);
    return row && conversationFromRow(row);
  };
  const deleteWithHistory = db.transaction((id: number): boolean => {
    rememberMessages.run(clock(), id);
    return remove.run(id).changes > 0; // messages go by ON DELETE CASCADE, their index rows by trigger
  });

  const create = db.transaction((peerJid: string, kind: ConversationKind): Conversation => {
    insert.run(peerJid, kind, clock());
    return findByPeer(peerJid)!;
  });

  return {
    // Most calls find it: one read, no savepoint (this runs once per received message).
    open: (peerJid, kind = 'chat') => findByPeer(peerJid) ?? create(peerJid, kind),
    get(id) {
      const row = selectById.get(id);
      return row && conversationFromRow(row);
    },
    findByPeer,
    setDisappearingTimer: (id, seconds) => void updateTimer.run(seconds ?? null, id),
    applyTimerSetting: (id, setting, unannounced) =>
      applyTimer.run({
        id,
        seconds: setting.seconds ?? null,
        version: setting.version,
        by: setting.setBy,
        device: setting.setDevice,
        at: setting.setAt,
        unannounced: unannounced ? 1 : 0,
      }).changes > 0,
    listUnannouncedTimers: () => selectUnannounced.all().map(conversationFromRow),
    markTimerAnnounced: (id, version) => void clearUnannounced.run(id, version),
    delete(id) {
      const deleted = deleteWithHistory(id);
      if (deleted) upkeep.afterDelete();
      return deleted;
    },
  };
}
