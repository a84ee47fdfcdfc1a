/**
 * Disappearing messages for the app service: the expiry scheduler over the unlocked store (the
 * service's own, so expiry works with or without a messaging engine attached), the
 * setConversationTimer operation, and the relay of the engine's 'expired' and 'timer' events
 * as contract events. Plain Node, like the rest of electron/app/.
 */
import type { EventName } from '../../shared/channels.js';
import type { ConversationSummary, EventPayload } from '../../shared/contract.js';
import { ExpiryScheduler, localChange } from '../engine/messaging/disappearing/index.js';
import type { Store } from '../engine/store/index.js';
import { ServiceError } from '../ipc/engine-api.js';
import type { ConversationOps } from './conversation-ops.js';
import type { MessagingPort } from './messaging-port.js';

/**
 * The one expiry timer of an unlocked session. It exists before the messaging engine (which
 * is handed it and reports countdowns to it); what it purges is reported wherever
 * `reportTo` points once the session's operations exist.
 */
export function sessionExpiryScheduler(store: Store, now: () => number, log: (line: string) => void) {
  let report: (ids: readonly string[]) => void = () => undefined;
  const scheduler = new ExpiryScheduler({
    nextExpiry: () => store.messages.nextExpiry(),
    purge: (at) => store.messages.expire(at),
    onExpired: (ids) => report(ids),
    now,
    log,
  });
  return { scheduler, reportTo: (fn: (ids: readonly string[]) => void): void => void (report = fn) };
}

export type SessionExpiry = ReturnType<typeof sessionExpiryScheduler>;

export interface DisappearingDeps {
  readonly expiry: SessionExpiry;
  readonly store: Store;
  readonly ops: ConversationOps;
  readonly own: { readonly jid: string; readonly deviceId: number };
  readonly messaging: MessagingPort | undefined;
  readonly now: () => number;
  readonly log: (line: string) => void;
  readonly emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /** False once the session this belongs to was locked: nothing is emitted for it then. */
  readonly live: () => boolean;
}

export function disappearingOps(deps: DisappearingDeps) {
  const { store, ops, messaging, emit, live } = deps;
  const expired = (ids: readonly string[]): void => {
    if (!live() || ids.length === 0) return;
    emit('messagesExpired', { ids: [...ids] });
    emit('conversationsChanged', {}); // previews and unread counts
  };
  // One timer: the engine was handed this scheduler and reports its countdowns to it.
  const { scheduler } = deps.expiry;
  deps.expiry.reportTo(expired);
  messaging?.on('timer', () => live() && emit('conversationsChanged', {}));

  return {
    /** At unlock, before anything is shown: purges what expired while locked, then arms the timer. */
    start: (): string[] => scheduler.start(),
    stop: (): void => scheduler.stop(),
    /** Resume from sleep or a wall-clock change (Electron powerMonitor). */
    recheck: (): string[] => scheduler.recheck(),
    /** A countdown may have started (a message was sent or displayed). */
    countdownsChanged: (): void => scheduler.changed(store.messages.nextExpiry()),
    /** Received disappearing messages of the newest page whose countdown runs, for the window to show. */
    countdowns(conversationId: number): { id: string; expiresAt: number }[] {
      return store.messages
        .page(conversationId, { limit: 500 })
        .filter((m) => m.direction === 'in' && m.expireAfterSeconds !== undefined && m.expiresAt !== undefined)
        .map((m) => ({ id: m.id, expiresAt: m.expiresAt! }));
    },

    async setTimer(conversationId: number, seconds: number | null): Promise<ConversationSummary> {
      const peer = ops.peerOf(conversationId);
      if (messaging?.setConversationTimer) {
        await messaging.setConversationTimer(peer, seconds ?? undefined);
      } else {
        // No engine attached: the change is stored as not yet announced; the engine sends it at its next sign-in.
        const conversation = store.conversations.get(conversationId);
        if (!conversation) throw new ServiceError('not-found', 'No such conversation.');
        store.conversations.applyTimerSetting(conversationId, localChange(conversation, deps.own, seconds ?? undefined, deps.now()), true);
      }
      emit('conversationsChanged', {});
      return ops.summary(conversationId);
    },
  };
}

export type DisappearingOps = ReturnType<typeof disappearingOps>;
