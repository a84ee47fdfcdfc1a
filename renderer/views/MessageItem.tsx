/**
 * One row of a conversation. The body is a React text node: escaped, never parsed as HTML,
 * `dir="auto"` so right-to-left text (and override characters) stay inside their bubble.
 */
import { memo } from 'react';
import type { Message } from '../../shared/contract.js';
import { DELIVERY_LABEL, describeReason, formatFull, formatTime } from '../lib/format.js';
import { useApp } from '../state/store.js';

export const MessageItem = memo(function MessageItem({ message }: { message: Message }) {
  const retry = useApp((s) => s.retry);
  const outgoing = message.direction === 'out';
  return (
    <div className={`message ${outgoing ? 'out' : 'in'} state-${message.state}`} data-testid="message" data-message-id={message.id} data-state={message.state}>
      {message.state === 'undecryptable' ? (
        <p className="body undecryptable" data-testid="undecryptable">
          This message could not be decrypted: {describeReason(message.reason)}.
        </p>
      ) : (
        <p className="body" dir="auto" data-testid="message-body">
          {message.body}
        </p>
      )}
      <p className="meta">
        <time dateTime={new Date(message.sentAt).toISOString()} title={formatFull(message.sentAt)}>
          {formatTime(message.sentAt)}
        </time>
        {outgoing && (
          <span className="delivery" data-testid="delivery-state">
            {DELIVERY_LABEL[message.state]}
          </span>
        )}
        {outgoing && message.state === 'failed' && (
          <button type="button" className="link" onClick={() => void retry(message.id)}>
            Retry
          </button>
        )}
      </p>
    </div>
  );
});
