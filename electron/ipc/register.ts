/**
 * Electron glue: one ipcMain handler for every request and one sender for every event.
 * The frame check comes first, so an untrusted frame learns nothing — not even whether the
 * method exists.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../../shared/channels.js';
import { fail } from '../../shared/result.js';
import type { Dispatch } from './dispatcher.js';
import type { EngineApi } from './engine-api.js';
import { isTrustedSender } from './sender.js';

export function registerBridge(dispatch: Dispatch, engine: EngineApi, windows: () => readonly WebContents[]): () => void {
  ipcMain.handle(INVOKE_CHANNEL, (event: IpcMainInvokeEvent, method: unknown, payload: unknown) => {
    const frame = event.senderFrame;
    if (!isTrustedSender(frame && { url: frame.url, isTopFrame: frame.parent === null })) {
      return fail('forbidden', 'This frame may not use Parley.');
    }
    return dispatch(method, payload);
  });
  const unsubscribe = engine.subscribe((name, payload) => {
    for (const contents of windows()) {
      if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, name, payload);
    }
  });
  return () => {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    unsubscribe();
  };
}
