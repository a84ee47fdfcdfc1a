/**
 * Sending our own timer change: a message without a body whose envelope holds the new setting
 * (and XEP-0466's <ephemeral/> for clients that negotiate by it, XEP-0466 §3.4), encrypted for
 * the peer's and our other devices. It is not queued in the outbox (that holds stored
 * messages); the conversation keeps a flag until a send succeeds, and sign-in retries flagged
 * ones. Every later message carries the setting again, so a lost change still converges.
 */
import { randomUUID } from 'node:crypto';
import { encryptMessage } from '../../protocol/index.js';
import type { Conversation } from '../../store/index.js';
import { sameBareJid } from '../../xmpp/jid.js';
import { serializeEnvelope } from '../../xmpp/sce.js';
import type { EngineContext } from '../context.js';
import type { DeviceDirectory } from '../device-directory.js';
import { MessagingError, reasonOf } from '../errors.js';
import { encryptedMessageStanza } from '../stanzas.js';
import { currentSetting } from './timer-setting.js';
import { disappearingContent } from './wire.js';

export async function announceTimer(ctx: EngineContext, directory: DeviceDirectory, conversation: Conversation): Promise<void> {
  const setting = currentSetting(conversation);
  if (!setting) return;
  const to = conversation.peerJid;
  const recipients = await directory.recipientsFor(to);
  if (!recipients.some((r) => sameBareJid(r.jid, to))) throw new MessagingError('no-trusted-devices', 'the peer has no device the timer change could be encrypted for');
  if (ctx.transport.status.state !== 'online') throw new MessagingError('not-online', 'the timer change will be sent when back online');
  const id = randomUUID();
  const encrypted = ctx.store.transaction(() => {
    directory.settleTrust(recipients);
    const content = disappearingContent({ ...(setting.seconds !== undefined && { messageTimer: setting.seconds }), setting });
    const envelope = serializeEnvelope({ content, from: ctx.jid, to, time: new Date(ctx.now()) });
    return encryptMessage(ctx.protocol, envelope, recipients);
  });
  // XEP-0466 §3.4: a bare timer change carries a <store/> hint so offline clients still see it.
  await ctx.transport.send(encryptedMessageStanza(to, id, encrypted, { receipt: false, hint: 'store' }));
  ctx.store.conversations.markTimerAnnounced(conversation.id, setting.version);
}

/** Sends every own timer change that has not gone out yet (after sign-in). */
export async function announcePendingTimers(ctx: EngineContext, directory: DeviceDirectory): Promise<void> {
  for (const conversation of ctx.store.conversations.listUnannouncedTimers()) {
    await announceTimer(ctx, directory, conversation).catch((e: unknown) => ctx.log(`timer-announce-failed reason=${reasonOf(e)}`));
  }
}
