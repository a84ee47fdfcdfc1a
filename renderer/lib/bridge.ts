/** The one door to the main process: `window.parley`, typed by the shared contract. */
import type { ParleyApi } from '../../shared/contract.js';
import type { BridgeError, Result } from '../../shared/result.js';

declare global {
  interface Window {
    readonly parley: ParleyApi;
  }
}

export const parley = (): ParleyApi => window.parley;

/** Errors the user can act on get their own words; the rest show the (secret-free) message. */
export function describeError(error: BridgeError): string {
  switch (error.code) {
    case 'wrong-passphrase':
      return 'That passphrase is not correct.';
    case 'auth-failed':
      return 'The server refused this address or password.';
    case 'unreachable':
      return 'The server could not be reached.';
    case 'store-busy':
      return 'Parley is already open in another window or process.';
    default:
      return error.message;
  }
}

export type { Result };
