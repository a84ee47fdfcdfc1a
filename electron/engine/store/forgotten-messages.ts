/**
 * Ids of messages that expired or were deleted (recorded by messages.ts and conversations.ts).
 * An archive (MAM) sync consults this before storing anything, so a disappeared message never
 * reappears on this device.
 */
import type { Db } from './sqlite.js';

export interface ForgottenMessageRepository {
  /** True if a message with this id, or with this archive stanza-id, was expired or deleted. */
  isForgotten(ids: { messageId?: string; stanzaId?: string }): boolean;
  pruneBefore(at: number): number;
}

export function forgottenMessageRepository(db: Db): ForgottenMessageRepository {
  const byMessageId = db.prepare<[string], number>('SELECT 1 FROM forgotten_messages WHERE message_id = ?').pluck();
  const byStanzaId = db.prepare<[string], number>('SELECT 1 FROM forgotten_messages WHERE stanza_id = ?').pluck();
  const prune = db.prepare<[number]>('DELETE FROM forgotten_messages WHERE at < ?');
  return {
    isForgotten: ({ messageId, stanzaId }) =>
      (messageId !== undefined && byMessageId.get(messageId) !== undefined) ||
      (stanzaId !== undefined && byStanzaId.get(stanzaId) !== undefined),
    pruneBefore: (at) => prune.run(at).changes,
  };
}
