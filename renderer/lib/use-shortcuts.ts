/** Ctrl+1…9 opens the n-th conversation; Alt+Up / Alt+Down the previous / next; Ctrl+L locks. */
import { useEffect } from 'react';
import { useApp } from '../state/store.js';

export function useShortcuts(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      const { conversations, activeId, select, lock } = useApp.getState();
      if ((event.ctrlKey || event.metaKey) && !event.altKey && /^[1-9]$/.test(event.key)) {
        const target = conversations[Number(event.key) - 1];
        if (target) {
          event.preventDefault();
          select(target.id);
        }
        return;
      }
      if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
        if (conversations.length === 0) return;
        event.preventDefault();
        const index = conversations.findIndex((c) => c.id === activeId);
        const step = event.key === 'ArrowUp' ? -1 : 1;
        const next = index === -1 ? 0 : (index + step + conversations.length) % conversations.length;
        select(conversations[next]!.id);
        return;
      }
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'l') {
        event.preventDefault();
        void lock();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active]);
}
