/**
 * Removing another device of the user's own account (a lost or retired one) for the app
 * service: the engine does the work (engine.removeOwnDevice); here its refusals become
 * contract codes with words the UI can show. Plain Node, like the rest of electron/app/.
 */
import type { Device } from '../../shared/contract.js';
import { isMessagingError } from '../engine/messaging/errors.js';
import { ServiceError } from '../ipc/engine-api.js';
import type { ConversationOps } from './conversation-ops.js';
import type { MessagingPort } from './messaging-port.js';

export interface OwnDeviceDeps {
  readonly ops: ConversationOps;
  readonly own: { readonly jid: string; readonly deviceId: number };
  readonly messaging: MessagingPort | undefined;
}

const SELF = 'This device cannot remove itself: remove it from another of your devices.';
const OFFLINE = 'Removing a device needs the connection to the server: try again once online.';

/** Removes `deviceId` from the account; resolves with the account's devices as now known. */
export async function removeOwnDevice({ ops, own, messaging }: OwnDeviceDeps, deviceId: number): Promise<Device[]> {
  if (deviceId === own.deviceId) throw new ServiceError('not-allowed', SELF);
  if (!messaging?.removeOwnDevice) throw new ServiceError('unreachable', OFFLINE);
  try {
    await messaging.removeOwnDevice(deviceId);
  } catch (error) {
    throw removalError(error);
  }
  return ops.devices(own.jid);
}

/** The engine's refusals in contract terms; connection failures (XmppError) pass through to ipc/errors.ts. */
function removalError(error: unknown): unknown {
  if (!isMessagingError(error)) return error;
  const cause = { cause: error };
  switch (error.code) {
    case 'not-allowed':
      return new ServiceError('not-allowed', SELF, cause);
    case 'unknown-device':
      return new ServiceError('not-found', 'That device is not in your account’s device list.', cause);
    case 'device-list-full':
      return new ServiceError('not-allowed', 'Your account’s device list is longer than Parley can change without dropping other devices.', cause);
    case 'not-online':
      return new ServiceError('unreachable', OFFLINE, cause);
    case 'publish-failed':
      return new ServiceError('not-allowed', 'The server did not accept the change to your device list. Try again.', cause);
    default:
      return error;
  }
}
