/** Store records → contract values: only what the UI may see, never a key or a session. */
import type { Device as ContractDevice, ConversationSummary as ContractSummary, Message as ContractMessage } from '../../shared/contract.js';
import { formatFingerprint } from '../engine/crypto/fingerprint.js';
import type { ConversationSummary, Device, Message } from '../engine/store/index.js';

export function messageDto(m: Message): ContractMessage {
  return {
    id: m.id,
    conversationId: m.conversationId,
    direction: m.direction,
    senderJid: m.senderJid,
    ...(m.senderDevice !== undefined && { senderDevice: m.senderDevice }),
    ...(m.body !== undefined && { body: m.body }),
    sentAt: m.sentAt,
    state: m.state,
    ...(m.stateReason !== undefined && { reason: m.stateReason }),
    encryption: m.encryption,
    ...(m.expiresAt !== undefined && { expiresAt: m.expiresAt }),
    ...(m.expireAfterSeconds !== undefined && { expireAfterSeconds: m.expireAfterSeconds }),
  };
}

export function summaryDto(s: ConversationSummary): ContractSummary {
  return {
    id: s.conversation.id,
    peerJid: s.conversation.peerJid,
    unread: s.unread,
    ...(s.lastMessage !== undefined && { lastMessage: messageDto(s.lastMessage) }),
    ...(s.conversation.disappearingSeconds !== undefined && { disappearingSeconds: s.conversation.disappearingSeconds }),
    ...(s.conversation.timerSetBy !== undefined && { timerSetBy: s.conversation.timerSetBy }),
    ...(s.conversation.timerSetAt !== undefined && { timerSetAt: s.conversation.timerSetAt }),
  };
}

export function fingerprintOf(identityKey: Uint8Array | undefined): string | undefined {
  if (identityKey === undefined) return undefined;
  try {
    return formatFingerprint(identityKey);
  } catch {
    return undefined; // a key that is not a valid point has no fingerprint to show
  }
}

export function deviceDto(d: Device, own: { jid: string; deviceId: number }): ContractDevice {
  const fingerprint = fingerprintOf(d.identityKey);
  return {
    jid: d.jid,
    deviceId: d.deviceId,
    ...(fingerprint !== undefined && { fingerprint }),
    trust: d.trust,
    active: d.active,
    own: d.jid === own.jid && d.deviceId === own.deviceId,
    ...(d.label !== undefined && { label: d.label }),
  };
}
