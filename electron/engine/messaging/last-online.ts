/**
 * When this device was last online, kept between runs. It bounds a catch-up by time (when
 * there is no archive cursor) and tells whether the archive received anything while we were
 * away (ArchiveCatchUp.newSince): our own last stanzas are archived too, so the archive's
 * newest item differs from our cursor after almost every session.
 */
import type { Store } from '../store/index.js';
import { bareJid } from '../xmpp/jid.js';
import type { Logger } from './context.js';
import { reasonOf } from './errors.js';

/** While online, the time is written down at most this often (a crash loses at most this much). */
export const LAST_ONLINE_WRITE_MS = 60_000;

const lastOnlineKey = (ownJid: string): string => `online:${bareJid(ownJid)}`;

/**
 * When this store last saw traffic: the time written down when we were last online, else the
 * newest message's arrival, else the device's creation (its first signed pre-key): nothing
 * older can have been encrypted for this device.
 */
export function lastActivity(store: Store, ownJid: string, now: number): number {
  let newest = Number(store.syncState.get(lastOnlineKey(ownJid)) ?? 0) || 0;
  for (const summary of store.conversationList()) {
    const m = summary.lastMessage;
    if (m) newest = Math.max(newest, m.receivedAt ?? m.sentAt);
  }
  if (newest === 0) newest = Math.min(now, ...store.protocol.listSignedPreKeys().map((k) => k.createdAt));
  return Math.min(newest, now);
}

export class LastOnline {
  #at: number;
  #writtenAt = 0;

  constructor(
    private readonly store: Store,
    private readonly ownJid: string,
    at: number,
    private readonly log: Logger,
  ) {
    this.#at = at;
  }

  /** When we were last online (ms). */
  get at(): number {
    return this.#at;
  }

  /** Online at `at`, for this run only. */
  seen(at: number): void {
    this.#at = at;
  }

  /** Online at `at`, written down too if `writeNow` or the last write is old enough. */
  record(at: number, writeNow = false): void {
    this.#at = at;
    if (!writeNow && at - this.#writtenAt < LAST_ONLINE_WRITE_MS) return;
    this.#writtenAt = at;
    try {
      this.store.syncState.set(lastOnlineKey(this.ownJid), String(at));
    } catch (error) {
      this.log(`last-online-not-recorded reason=${reasonOf(error)}`);
    }
  }
}
