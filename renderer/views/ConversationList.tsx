/** The sidebar: search, start a chat, and every conversation with unread count and last message. */
import { useState, type FormEvent } from 'react';
import type { ConversationSummary } from '../../shared/contract.js';
import { formatTime } from '../lib/format.js';
import { useApp } from '../state/store.js';

function preview(summary: ConversationSummary): string {
  const last = summary.lastMessage;
  if (!last) return 'No messages yet';
  if (last.state === 'undecryptable') return 'Message could not be decrypted';
  const text = (last.body ?? '').slice(0, 140);
  return last.direction === 'out' ? `You: ${text}` : text;
}

function NewChat() {
  const [jid, setJid] = useState('');
  const openChat = useApp((s) => s.openChat);
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (jid.trim() === '') return;
    if (await openChat(jid)) setJid('');
  }
  return (
    <form className="new-chat" onSubmit={submit} aria-label="Start a chat">
      <label htmlFor="new-chat-jid" className="visually-hidden">
        Address to chat with
      </label>
      <input id="new-chat-jid" type="text" placeholder="name@example.org" value={jid} onChange={(e) => setJid(e.target.value)} />
      <button type="submit">Start chat</button>
    </form>
  );
}

export function ConversationList() {
  const conversations = useApp((s) => s.conversations);
  const activeId = useApp((s) => s.activeId);
  const search = useApp((s) => s.search);
  const setSearch = useApp((s) => s.setSearch);
  const select = useApp((s) => s.select);

  return (
    <nav className="sidebar" aria-label="Conversations">
      <label htmlFor="conversation-search" className="visually-hidden">
        Search conversations
      </label>
      <input id="conversation-search" type="search" placeholder="Search" value={search} onChange={(e) => setSearch(e.target.value)} />
      <NewChat />
      <ul className="conversation-list" data-testid="conversation-list">
        {conversations.map((c, index) => (
          <li key={c.id}>
            <button
              type="button"
              className={c.id === activeId ? 'conversation active' : 'conversation'}
              aria-current={c.id === activeId ? 'true' : undefined}
              data-testid="conversation-item"
              data-peer={c.peerJid}
              title={index < 9 ? `Ctrl+${index + 1}` : undefined}
              onClick={() => select(c.id)}
            >
              <span className="conversation-top">
                <span className="peer" dir="auto">
                  {c.peerJid}
                </span>
                {c.lastMessage && <time dateTime={new Date(c.lastMessage.sentAt).toISOString()}>{formatTime(c.lastMessage.sentAt)}</time>}
              </span>
              <span className="conversation-bottom">
                <span className="preview" dir="auto">
                  {preview(c)}
                </span>
                {c.unread > 0 && (
                  <span className="unread" data-testid="unread-count" aria-label={`${c.unread} unread`}>
                    {c.unread}
                  </span>
                )}
              </span>
            </button>
          </li>
        ))}
        {conversations.length === 0 && <li className="empty">{search ? 'Nothing found' : 'No conversations yet'}</li>}
      </ul>
    </nav>
  );
}
