import type { Migration } from './migration.js';

/**
 * Schema 2: disappearing messages.
 *  - messages.expire_after_seconds: the timer the message was sent with (XEP-0466 `timer`). The
 *    sender's copies get expires_at at once; a received copy gets it when first displayed.
 *  - conversations.timer_*: who set the conversation's timer, from which device and when. With
 *    the existing `version` column they order concurrent changes (see disappearing/timer-setting.ts).
 *  - conversations.timer_unannounced: our own change has not reached the network yet.
 */
export const disappearingMessages: Migration = {
  version: 2,
  name: 'disappearing messages',
  up(db) {
    db.exec(`
      ALTER TABLE messages ADD COLUMN expire_after_seconds INTEGER
        CHECK (expire_after_seconds IS NULL OR expire_after_seconds > 0);
      ALTER TABLE conversations ADD COLUMN timer_set_by TEXT;
      ALTER TABLE conversations ADD COLUMN timer_set_device INTEGER;
      ALTER TABLE conversations ADD COLUMN timer_set_at INTEGER;
      ALTER TABLE conversations ADD COLUMN timer_unannounced INTEGER NOT NULL DEFAULT 0 CHECK (timer_unannounced IN (0, 1));
    `);
  },
};
