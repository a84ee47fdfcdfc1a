/**
 * The engine's disappearing-messages part: the expiry scheduler over the store, our own timer
 * changes, and start-on-display for received messages. The engine forwards to it.
 */
import type { MessageCursor } from '../../store/index.js';
import type { EngineContext } from '../context.js';
import type { DeviceDirectory } from '../device-directory.js';
import { MessagingError, reasonOf } from '../errors.js';
import type { TimerChanged } from '../events.js';
import { announcePendingTimers, announceTimer } from './announce.js';
import { ExpiryScheduler, type TimerApi } from './scheduler.js';
import { isValidTimerSeconds, localChange } from './timer-setting.js';

export interface DisappearingOptions {
  /** Monotonic clock for clock-jump detection (default performance.now). */
  readonly monotonic?: () => number;
  /** Test seam for the one expiry timer. */
  readonly timers?: TimerApi;
  /**
   * The app's scheduler over the same store, so a process keeps ONE expiry timer: the engine
   * then reports countdowns to it but leaves starting and stopping it to its owner.
   */
  readonly scheduler?: ExpiryScheduler;
}

export class Disappearing {
  readonly scheduler: ExpiryScheduler;
  /** False when the scheduler is shared (DisappearingOptions.scheduler): its owner starts and stops it. */
  readonly ownsScheduler: boolean;

  constructor(
    private readonly ctx: EngineContext,
    private readonly directory: DeviceDirectory,
    options: DisappearingOptions = {},
  ) {
    this.ownsScheduler = options.scheduler === undefined;
    this.scheduler = options.scheduler ?? new ExpiryScheduler({
      nextExpiry: () => ctx.store.messages.nextExpiry(),
      purge: (now) => ctx.store.messages.expire(now),
      onExpired: (ids) => ctx.emit('expired', { ids }),
      now: () => ctx.now(),
      log: (line) => ctx.log(line),
      ...(options.monotonic && { monotonic: options.monotonic }),
      ...(options.timers && { timers: options.timers }),
    });
  }

  /**
   * Sets the conversation's timer (undefined = off) for messages sent from now on, and tells
   * the peer and our other devices. The local change stands even while offline; it is sent
   * at the next sign-in.
   */
  async setTimer(peerJid: string, seconds: number | undefined): Promise<TimerChanged> {
    const { ctx } = this;
    if (seconds !== undefined && !isValidTimerSeconds(seconds)) throw new MessagingError('malformed', 'the timer must be between 1 second and 1 year');
    const change = ctx.store.transaction(() => {
      const conversation = ctx.store.conversations.open(peerJid);
      const setting = localChange(conversation, { jid: ctx.jid, deviceId: ctx.deviceId }, seconds, ctx.now());
      ctx.store.conversations.applyTimerSetting(conversation.id, setting, true);
      return { conversationId: conversation.id, peerJid, ...setting };
    });
    ctx.emit('timer', change);
    const conversation = ctx.store.conversations.get(change.conversationId)!;
    await announceTimer(ctx, this.directory, conversation).catch((e: unknown) => ctx.log(`timer-announce-deferred reason=${reasonOf(e)}`));
    return change;
  }

  announcePending(): Promise<void> {
    return announcePendingTimers(this.ctx, this.directory);
  }

  /**
   * The user saw the conversation up to `upTo` (default: everything): received disappearing
   * messages start counting down now. Returns how many messages were newly marked.
   */
  markDisplayed(peerJid: string, upTo?: MessageCursor): number {
    const { store } = this.ctx;
    const conversation = store.conversations.findByPeer(peerJid);
    if (!conversation) return 0;
    const cursor = upTo ?? store.messages.page(conversation.id, { limit: 1 }).at(-1);
    if (!cursor) return 0;
    const changed = store.messages.markDisplayed(conversation.id, { sentAt: cursor.sentAt, id: cursor.id }, this.ctx.now());
    if (changed > 0) this.scheduler.changed(store.messages.nextExpiry());
    return changed;
  }
}
