/**
 * Decisions the main process takes about web content, kept free of electron so they can be
 * unit-tested: which permission requests pass, which links may leave for the system browser.
 */
import { isSafeExternalUrl } from '../../shared/validate.js';
import { APP_ORIGIN } from '../ipc/sender.js';

/** Only notifications, and only for our own origin; everything else (camera, geolocation, …) is denied. */
export function isPermissionAllowed(permission: string, requestingUrl: string | undefined): boolean {
  if (permission !== 'notifications' || requestingUrl === undefined) return false;
  try {
    const url = new URL(requestingUrl);
    return `${url.protocol}//${url.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/** A link the user clicked may open in the system browser only if it is https (shared/validate.ts). */
export const mayOpenExternally = isSafeExternalUrl;
