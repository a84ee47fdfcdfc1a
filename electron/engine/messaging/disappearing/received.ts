/**
 * What a received message's disappearing elements mean for this device: the conversation
 * setting it carries (adopted if it orders after ours) and when this copy expires. The sender's
 * own devices count from the sending time; a recipient counts from when the message is first
 * displayed (XEP-0466 §6), so its expiry stays open until then.
 */
import type { Element } from '@xmpp/xml';
import type { Conversation, Store } from '../../store/index.js';
import type { TimerChanged } from '../events.js';
import { readDisappearing } from './wire.js';

export interface ReceivedDisappearing {
  /** Fields for the stored message row. */
  readonly row: { readonly expireAfterSeconds?: number; readonly expiresAt?: number };
  /** The conversation's timer changed because of this message. */
  readonly changed?: TimerChanged;
  /** A bare timer change (no body): nothing to store or show but the new setting. */
  readonly settingOnly: boolean;
}

export interface ReceivedContext {
  readonly store: Store;
  readonly conversation: Conversation;
  readonly ownJid: string;
  readonly direction: 'in' | 'out';
  readonly sentAt: number;
  readonly hasBody: boolean;
}

export function receiveDisappearing(content: readonly Element[], context: ReceivedContext): ReceivedDisappearing {
  const { store, conversation } = context;
  const found = readDisappearing(content, [context.ownJid, conversation.peerJid]);
  let changed: TimerChanged | undefined;
  if (found.setting && store.conversations.applyTimerSetting(conversation.id, found.setting, false)) {
    changed = { conversationId: conversation.id, peerJid: conversation.peerJid, ...found.setting };
  }
  const timer = found.messageTimer;
  const row =
    timer === undefined
      ? {}
      : { expireAfterSeconds: timer, ...(context.direction === 'out' && { expiresAt: context.sentAt + timer * 1000 }) };
  return { row, ...(changed && { changed }), settingOnly: !context.hasBody && found.setting !== undefined };
}
