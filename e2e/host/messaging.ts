/**
 * The messaging engine for the test host: the same factory electron/main.ts passes, so the
 * specs drive the real engine against a real server. PARLEY_HOST_OFFLINE=1 leaves it out
 * (the service then keeps messages queued), for runs without any XMPP server.
 */
import { engineMessaging } from '../../electron/app/engine-messaging.js';
import type { MessagingFactory } from '../../electron/app/messaging-port.js';

export function hostMessagingFactory(): MessagingFactory | undefined {
  return process.env['PARLEY_HOST_OFFLINE'] === '1' ? undefined : engineMessaging();
}
