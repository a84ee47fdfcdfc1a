/** Locks the app after the configured time without keyboard or pointer input. */
import { useEffect } from 'react';
import { useApp } from '../state/store.js';

const ACTIVITY = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'focus'] as const;
const CHECK_EVERY_MS = 5_000;

export function useIdleLock(active: boolean): void {
  const minutes = useApp((s) => s.settings.idleLockMinutes);
  useEffect(() => {
    if (!active || minutes === 0) return;
    let last = Date.now();
    const touch = () => (last = Date.now());
    for (const name of ACTIVITY) window.addEventListener(name, touch, { passive: true });
    const timer = window.setInterval(() => {
      if (Date.now() - last >= minutes * 60_000) void useApp.getState().lock();
    }, CHECK_EVERY_MS);
    return () => {
      window.clearInterval(timer);
      for (const name of ACTIVITY) window.removeEventListener(name, touch);
    };
  }, [active, minutes]);
}
