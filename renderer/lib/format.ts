/** Dates and labels as the user reads them, in the system's locale. */
import type { ConnectionStatus, DeliveryState, TrustState } from '../../shared/contract.js';

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const day = new Intl.DateTimeFormat(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const formatTime = (ms: number): string => time.format(ms);
export const formatDay = (ms: number): string => day.format(ms);
export const formatFull = (ms: number): string => full.format(ms);
export const dayKey = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
};

export const DELIVERY_LABEL: Record<DeliveryState, string> = {
  pending: 'Waiting to send',
  sent: 'Sent',
  delivered: 'Delivered',
  failed: 'Failed',
  undecryptable: 'Could not be decrypted',
};

export const TRUST_LABEL: Record<TrustState, string> = {
  undecided: 'Not verified',
  trusted: 'Trusted',
  verified: 'Verified',
  untrusted: 'Untrusted',
};

export const CONNECTION_LABEL: Record<ConnectionStatus['state'], string> = {
  offline: 'Offline',
  connecting: 'Connecting…',
  online: 'Online',
  reconnecting: 'Reconnecting…',
  error: 'Not connected',
};

/** Why the connection is in error, for the reasons the user can act on. */
export const CONNECTION_REASON: Readonly<Record<string, string>> = {
  'auth-failed': 'the server refused the password',
  'device-id-taken': 'another device of this account uses this device’s id: remove that device from the account, or set this one up again',
  'device-list-full': 'this account has too many devices: remove old ones from the account',
};

/** Undecryptable reasons are engine codes; say what they mean where we know. */
export function describeReason(reason: string | undefined): string {
  switch (reason) {
    case undefined:
      return 'no reason given';
    case 'no-session':
      return 'no secure session with the sending device';
    case 'not-for-this-device':
      return 'it was not encrypted for this device';
    case 'authentication-failed':
    case 'bad-mac':
      return 'it failed its authenticity check';
    default:
      return reason;
  }
}
