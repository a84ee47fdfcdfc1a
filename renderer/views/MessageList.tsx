/**
 * The conversation history, virtualised: only the rows on screen exist in the DOM, so a
 * conversation of 100,000 messages scrolls like one of ten. Older pages load when the top
 * comes into view; the view sticks to the bottom while the user is there.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import type { Message } from '../../shared/contract.js';
import { dayKey, formatDay } from '../lib/format.js';
import { describeTimerChange } from '../lib/timer-format.js';
import { useApp, type SystemLine } from '../state/store.js';
import { MessageItem } from './MessageItem.js';

type Row =
  | { readonly kind: 'day'; readonly key: string; readonly label: string }
  | { readonly kind: 'message'; readonly key: string; readonly message: Message }
  | { readonly kind: 'system'; readonly key: string; readonly line: SystemLine };

const EMPTY_LINES: readonly SystemLine[] = [];

function buildRows(messages: readonly Message[], lines: readonly SystemLine[]): Row[] {
  const rows: Row[] = [];
  let day = '';
  let li = 0;
  const pushDay = (at: number) => {
    const key = dayKey(at);
    if (key !== day) {
      day = key;
      rows.push({ kind: 'day', key: `day-${key}`, label: formatDay(at) });
    }
  };
  for (const message of messages) {
    while (li < lines.length && lines[li]!.at <= message.sentAt) {
      pushDay(lines[li]!.at);
      rows.push({ kind: 'system', key: lines[li]!.id, line: lines[li]! });
      li++;
    }
    pushDay(message.sentAt);
    rows.push({ kind: 'message', key: message.id, message });
  }
  for (; li < lines.length; li++) {
    pushDay(lines[li]!.at);
    rows.push({ kind: 'system', key: lines[li]!.id, line: lines[li]! });
  }
  return rows;
}

export function MessageList({ conversationId, peerJid }: { conversationId: number; peerJid: string }) {
  const thread = useApp((s) => s.threads[conversationId]);
  const deviceLines = useApp((s) => s.systemLines[peerJid] ?? EMPTY_LINES);
  const timerSetAt = useApp((s) => s.conversations.find((c) => c.id === conversationId)?.timerSetAt);
  const timerSetBy = useApp((s) => s.conversations.find((c) => c.id === conversationId)?.timerSetBy);
  const timerSeconds = useApp((s) => s.conversations.find((c) => c.id === conversationId)?.disappearingSeconds);
  const ownJid = useApp((s) => s.ownIdentity?.jid);
  const unread = useApp((s) => s.conversations.find((c) => c.id === conversationId)?.unread ?? 0);
  // The latest timer change, shown in the conversation where it happened.
  const lines = useMemo(() => {
    if (timerSetAt === undefined || timerSetBy === undefined) return deviceLines;
    const line: SystemLine = { id: `timer-${timerSetAt}`, at: timerSetAt, text: describeTimerChange(timerSeconds, timerSetBy, ownJid) };
    return [...deviceLines, line].sort((a, b) => a.at - b.at);
  }, [deviceLines, timerSetAt, timerSetBy, timerSeconds, ownJid]);
  const loadOlder = useApp((s) => s.loadOlder);
  const markRead = useApp((s) => s.markRead);
  const rows = useMemo(() => buildRows(thread?.messages ?? [], lines), [thread?.messages, lines]);
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const firstKey = useRef<string | undefined>(undefined);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (rows[i]?.kind === 'message' ? 64 : 36),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 8,
  });

  // Keep the reader's place when older messages are prepended; follow new ones at the bottom.
  useLayoutEffect(() => {
    // The first row is usually a day separator whose key survives a prepend: compare messages.
    const currentFirst = rows.find((r) => r.kind === 'message')?.key;
    const previousFirst = firstKey.current;
    firstKey.current = currentFirst;
    if (rows.length === 0) return;
    if (previousFirst !== undefined && previousFirst !== currentFirst && !atBottom.current) {
      const index = rows.findIndex((r) => r.key === previousFirst);
      if (index > 0) virtualizer.scrollToIndex(index, { align: 'start' });
      return;
    }
    if (atBottom.current) virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
  }, [rows, virtualizer]);

  useEffect(() => {
    atBottom.current = true;
  }, [conversationId]);

  useEffect(() => {
    if (atBottom.current && document.hasFocus()) void markRead(conversationId);
  }, [rows, unread, conversationId, markRead]);

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    if (el.scrollTop < 200 && thread?.hasMore && !thread.loading) void loadOlder(conversationId);
    if (atBottom.current) void markRead(conversationId);
  }

  return (
    <div className="message-scroller" ref={scroller} onScroll={onScroll} tabIndex={0} role="region" aria-label={`Messages with ${peerJid}`} data-testid="message-scroller">
      {thread?.loading && (
        <p className="loading" role="status">
          Loading older messages…
        </p>
      )}
      <div role="list" aria-label="Message history" style={{ height: virtualizer.getTotalSize(), position: 'relative' }} data-testid="message-list">
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index]!;
          return (
            <div
              key={item.key}
              role="listitem"
              data-index={item.index}
              ref={virtualizer.measureElement}
              className={`row row-${row.kind}`}
              style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start}px)` }}
            >
              {row.kind === 'day' && <p className="day-separator">{row.label}</p>}
              {row.kind === 'system' && (
                <p className="system-line" data-testid="system-line" dir="auto">
                  {row.line.text}
                </p>
              )}
              {row.kind === 'message' && <MessageItem message={row.message} />}
            </div>
          );
        })}
      </div>
      {thread && thread.messages.length === 0 && !thread.loading && <p className="empty">No messages yet. Say hello!</p>}
    </div>
  );
}
