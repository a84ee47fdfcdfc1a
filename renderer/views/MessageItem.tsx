/**
 * One row of a conversation. The body is a React text node: escaped, never parsed as HTML,
 * `dir="auto"` so right-to-left text (and override characters) stay inside their bubble.
 */
import { memo } from 'react';
import type { Message } from '../../shared/contract.js';
import { DELIVERY_LABEL, describeReason, formatFull, formatTime } from '../lib/format.js';
import { formatRemaining, formatTimer } from '../lib/timer-format.js';
import { useNow } from '../lib/use-now.js';
import { useApp } from '../state/store.js';

/** A disappearing message's time left, or how long it will last once read. */
function Countdown({ message }: { message: Message }) {
  const now = useNow(message.expiresAt !== undefined);
  if (message.expiresAt !== undefined) {
    return (
      <span className="countdown" data-testid="expires-in" title={`Disappears ${formatFull(message.expiresAt)}`}>
        Disappears in {formatRemaining(message.expiresAt - now)}
      </span>
    );
  }
  return (
    <span className="countdown" data-testid="expires-in">
      Disappears {formatTimer(message.expireAfterSeconds!)} after reading
    </span>
  );
}

export const MessageItem = memo(function MessageItem({ message }: { message: Message }) {
  const retry = useApp((s) => s.retry);
  const outgoing = message.direction === 'out';
  const now = useNow(message.expiresAt !== undefined);
  // Gone on screen the moment it expires, even before the store's purge is reported.
  if (message.expiresAt !== undefined && now >= message.expiresAt) return null;
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
        {(message.expiresAt !== undefined || message.expireAfterSeconds !== undefined) && <Countdown message={message} />}
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
