/**
 * The messaging engine for the test host.
 * GAP (for the lead): electron/engine/messaging/ has no published entry point yet. Return a
 * MessagingFactory here (the same one electron/main.ts passes) and the chat specs stop skipping.
 */
import type { MessagingFactory } from '../../electron/app/messaging-port.js';

export function hostMessagingFactory(): MessagingFactory | undefined {
  return undefined;
}
