/**
 * Test host only: `window.parley` over the host's loopback WebSocket, with the same shape the
 * Electron preload exposes, so the renderer runs unchanged in plain Chromium. The per-run
 * token arrives in the URL fragment (never sent in HTTP requests) and is removed at once.
 */
import { METHODS, isEventName } from '../../shared/channels.js';
import type { ParleyApi } from '../../shared/contract.js';

type Listener = (payload: unknown) => void;
interface Reply {
  readonly id: number;
  readonly result?: unknown;
  readonly event?: string;
  readonly payload?: unknown;
}

// Kept for this tab only, so a reload still reaches the host; gone with the tab.
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? sessionStorage.getItem('parley-host-token') ?? '';
sessionStorage.setItem('parley-host-token', token);
history.replaceState(null, '', location.pathname + location.search);

const socket = new WebSocket(`ws://${location.host}/bridge?token=${encodeURIComponent(token)}`);
const opened = new Promise<void>((resolve, reject) => {
  socket.addEventListener('open', () => resolve(), { once: true });
  socket.addEventListener('error', () => reject(new Error('bridge unavailable')), { once: true });
});
const pending = new Map<number, (result: unknown) => void>();
const listeners = new Map<string, Set<Listener>>();
let nextId = 1;

socket.addEventListener('message', (event) => {
  const reply = JSON.parse(String(event.data)) as Reply;
  if (reply.event !== undefined) {
    if (isEventName(reply.event)) for (const listener of listeners.get(reply.event) ?? []) listener(reply.payload);
    return;
  }
  pending.get(reply.id)?.(reply.result);
  pending.delete(reply.id);
});
socket.addEventListener('close', () => {
  for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'internal', message: 'The test host went away.' } });
  pending.clear();
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
  api[method] = async (request?: unknown) => {
    await opened;
    if (socket.readyState !== WebSocket.OPEN) return { ok: false, error: { code: 'internal', message: 'The test host went away.' } };
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method, payload: request ?? {} }));
    });
  };
}
Object.defineProperty(window, 'parley', { value: Object.freeze(api) as unknown as ParleyApi, writable: false, configurable: false });
