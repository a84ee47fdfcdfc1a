/** The open conversation: its header, history and composer. */
import { useApp } from '../state/store.js';
import { Composer } from './Composer.js';
import { ContactDetails } from './ContactDetails.js';
import { DisappearingControl } from './DisappearingControl.js';
import { MessageList } from './MessageList.js';

export function ConversationView() {
  const activeId = useApp((s) => s.activeId);
  const summary = useApp((s) => s.conversations.find((c) => c.id === s.activeId));
  const detailsOpen = useApp((s) => s.detailsOpen);
  const setDetailsOpen = useApp((s) => s.setDetailsOpen);

  if (activeId === undefined || !summary) {
    return (
      <main className="conversation-view empty-view" aria-label="No conversation open">
        <p>Choose a conversation, or start a chat with an address.</p>
      </main>
    );
  }
  return (
    <>
      <main className="conversation-view" aria-labelledby="conversation-title">
        <header className="conversation-header">
          <h2 id="conversation-title" dir="auto">
            {summary.peerJid}
          </h2>
          <DisappearingControl conversationId={summary.id} seconds={summary.disappearingSeconds} />
          <button type="button" aria-expanded={detailsOpen} onClick={() => setDetailsOpen(!detailsOpen)}>
            Contact details
          </button>
        </header>
        <MessageList conversationId={summary.id} peerJid={summary.peerJid} />
        <Composer conversationId={summary.id} peerJid={summary.peerJid} />
      </main>
      {detailsOpen && <ContactDetails jid={summary.peerJid} />}
    </>
  );
}
