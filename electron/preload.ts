/**
 * Runs sandboxed in every window before the page. Exposes exactly one object, `window.parley`:
 * one function per contract method and `on` for events. No ipcRenderer, no Node, no event
 * objects reach the page; payloads are validated by the main process, not here.
 * Bundled to CommonJS by scripts/build-renderer.mjs (sandboxed preloads cannot load ESM).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL, INVOKE_CHANNEL, METHODS, isEventName } from '../shared/channels.js';
import type { ParleyApi } from '../shared/contract.js';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (!isEventName(name)) return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const api: Record<string, unknown> = {
  on(name: unknown, listener: unknown) {
    if (!isEventName(name) || typeof listener !== 'function') return () => undefined;
    const set = listeners.get(name) ?? new Set<Listener>();
    listeners.set(name, set);
    set.add(listener as Listener);
    return () => void set.delete(listener as Listener);
  },
};
for (const method of METHODS) {
  api[method] = (request?: unknown) => ipcRenderer.invoke(INVOKE_CHANNEL, method, request ?? {});
}

contextBridge.exposeInMainWorld('parley', Object.freeze(api) as unknown as ParleyApi);
