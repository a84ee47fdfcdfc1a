/**
 * OS notifications for incoming messages. The text is shown only when the user turned that
 * on: by default a notification says who wrote, not what.
 */
import type { Message } from '../../shared/contract.js';
import type { Settings } from './settings.js';

const PREVIEW_LENGTH = 120;

export function notifyIncoming(message: Message, peerJid: string, settings: Settings, alreadyVisible: boolean): void {
  if (!settings.notifications || alreadyVisible || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const text = settings.notificationText && message.body !== undefined ? message.body.slice(0, PREVIEW_LENGTH) : 'New encrypted message';
  try {
    new Notification(peerJid, { body: text, silent: false, tag: `conversation-${message.conversationId}` });
  } catch {
    // notifications unavailable in this environment
  }
}

/** Asks once, when the user turns notifications on. */
export async function requestNotificationPermission(): Promise<void> {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') await Notification.requestPermission();
}
