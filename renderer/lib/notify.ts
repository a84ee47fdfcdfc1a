/**
 * OS notifications for incoming messages. The text is shown only when the user turned that
 * on: by default a notification says who wrote, not what.
 */
import type { Message } from '../../shared/contract.js';
import type { Settings } from './settings.js';

const PREVIEW_LENGTH = 120;

/** Shown notifications by message id, so a disappearing message's notification goes with it. */
const shown = new Map<string, Notification>();

export function notifyIncoming(message: Message, peerJid: string, settings: Settings, alreadyVisible: boolean): void {
  if (!settings.notifications || alreadyVisible || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const text = settings.notificationText && message.body !== undefined ? message.body.slice(0, PREVIEW_LENGTH) : 'New encrypted message';
  try {
    const notification = new Notification(peerJid, { body: text, silent: false, tag: `conversation-${message.conversationId}` });
    if (message.expireAfterSeconds !== undefined) {
      shown.set(message.id, notification);
      notification.onclose = () => shown.delete(message.id);
    }
  } catch {
    // notifications unavailable in this environment
  }
}

/** Closes the notifications of messages that expired. */
export function withdrawNotifications(ids: readonly string[]): void {
  for (const id of ids) {
    shown.get(id)?.close();
    shown.delete(id);
  }
}

/** Asks once, when the user turns notifications on. */
export async function requestNotificationPermission(): Promise<void> {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') await Notification.requestPermission();
}
