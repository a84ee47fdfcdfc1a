/**
 * Only our own top-level frame, loaded from the app origin, may call the bridge: not an
 * iframe, not a page the window was somehow navigated to.
 */
export const APP_SCHEME = 'parley';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

export interface SenderFrame {
  readonly url: string;
  /** True for the window's main frame. */
  readonly isTopFrame: boolean;
}

export function isTrustedSender(frame: SenderFrame | null | undefined, expectedOrigin: string = APP_ORIGIN): boolean {
  if (!frame || !frame.isTopFrame) return false;
  try {
    const url = new URL(frame.url);
    return `${url.protocol}//${url.host}` === expectedOrigin;
  } catch {
    return false;
  }
}
