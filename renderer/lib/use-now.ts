/** The current time, re-rendering once a second while `active` (countdowns on screen). One shared interval for all users. */
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
let interval: ReturnType<typeof setInterval> | undefined;
let now = Date.now();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (interval === undefined) {
    now = Date.now();
    interval = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && interval !== undefined) {
      clearInterval(interval);
      interval = undefined;
    }
  };
}

const noop = () => () => undefined;

export function useNow(active: boolean): number {
  return useSyncExternalStore(active ? subscribe : noop, () => (active ? now : 0));
}
