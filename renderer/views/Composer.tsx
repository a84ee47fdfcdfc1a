/** The message box: Enter sends, Shift+Enter starts a new line; the draft is kept per conversation (in memory only). */
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { LIMITS } from '../../shared/limits.js';
import { useApp } from '../state/store.js';

export function Composer({ conversationId, peerJid }: { conversationId: number; peerJid: string }) {
  const draft = useApp((s) => s.drafts[conversationId] ?? '');
  const setDraft = useApp((s) => s.setDraft);
  const send = useApp((s) => s.send);
  const box = useRef<HTMLTextAreaElement>(null);

  useEffect(() => box.current?.focus(), [conversationId]);

  async function submit() {
    const body = draft;
    if (body.trim() === '') return;
    setDraft(conversationId, '');
    if (!(await send(conversationId, body))) setDraft(conversationId, body);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  }

  return (
    <form
      className="composer"
      aria-label="Write a message"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <textarea
        ref={box}
        aria-label={`Message to ${peerJid}`}
        placeholder="Write a message (Enter sends, Shift+Enter for a new line)"
        dir="auto"
        rows={2}
        maxLength={LIMITS.body}
        value={draft}
        onChange={(e) => setDraft(conversationId, e.target.value)}
        onKeyDown={onKeyDown}
      />
      <button type="submit" disabled={draft.trim() === ''}>
        Send
      </button>
    </form>
  );
}
