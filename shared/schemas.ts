/**
 * The data that crosses the bridge, as zod schemas: the main process validates every request
 * with them, and the types both sides use are inferred from them, so there is one definition.
 * Objects are strict (an unknown field is an error, not silently dropped). Nothing here can
 * hold a key, a session, a passphrase after unlock, or a database handle.
 */
import { z } from 'zod';
import { LIMITS } from './limits.js';

const text = (max: number) => z.string().max(max);
const nonEmpty = (max: number) => z.string().min(1).max(max);

/** user@domain, no resource; deliberately simple: the engine does the full RFC 7622 check. */
export const bareJid = nonEmpty(LIMITS.jid).regex(/^[^@/\s]+@[^@/\s]+$/, 'a JID looks like user@example.org');
export const conversationId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const messageId = nonEmpty(LIMITS.messageId);
export const deviceId = z.number().int().min(1).max(2 ** 31 - 1);
export const timestamp = z.number().int().nonnegative().max(8.64e15);

// ---- values -----------------------------------------------------------------------------

export const appState = z.enum(['needs-setup', 'locked', 'unlocked']);
export const protectorKind = z.enum(['passphrase', 'keystore']);

export const appStatus = z.strictObject({
  state: appState,
  /** How the store is protected (absent before setup): the unlock screen asks for a passphrase only when needed. */
  protector: protectorKind.optional(),
  /** The account, once unlocked. */
  jid: bareJid.optional(),
});

export const connectionState = z.enum(['offline', 'connecting', 'online', 'reconnecting', 'error']);
export const connectionStatus = z.strictObject({
  state: connectionState,
  /** A contract error code saying why (e.g. auth-failed), when state is error or reconnecting. */
  reason: z.string().max(64).optional(),
  /** Outgoing messages waiting for the connection. */
  queued: z.number().int().nonnegative(),
});

export const deliveryState = z.enum(['pending', 'sent', 'delivered', 'failed', 'undecryptable']);

export const message = z.strictObject({
  id: messageId,
  conversationId,
  direction: z.enum(['in', 'out']),
  senderJid: bareJid,
  senderDevice: deviceId.optional(),
  /** Plain text, rendered as text; absent when there is none (undecryptable). */
  body: text(LIMITS.body).optional(),
  sentAt: timestamp,
  state: deliveryState,
  /** Why it failed or could not be decrypted: a short code, never message text. */
  reason: z.string().max(64).optional(),
  encryption: z.enum(['omemo:2', 'omemo:0.3', 'none']),
  /** A disappearing message: when it will be gone (once its countdown has started). */
  expiresAt: timestamp.optional(),
  /** A disappearing message's timer; a received one counts down from when it is first displayed (markRead). */
  expireAfterSeconds: z.number().int().positive().max(LIMITS.timerSeconds).optional(),
});

export const messageCursor = z.strictObject({ sentAt: timestamp, id: messageId });

export const conversationSummary = z.strictObject({
  id: conversationId,
  peerJid: bareJid,
  unread: z.number().int().nonnegative(),
  lastMessage: message.optional(),
  disappearingSeconds: z.number().int().positive().optional(),
  /** Who last changed the disappearing timer and when: the conversation shows it as a system line. */
  timerSetBy: bareJid.optional(),
  timerSetAt: timestamp.optional(),
});

export const trustState = z.enum(['undecided', 'trusted', 'verified', 'untrusted']);
export const device = z.strictObject({
  jid: bareJid,
  deviceId,
  /** 8 groups of 8 hex digits (XEP-0384 §8); absent until the device's bundle was fetched. */
  fingerprint: z.string().max(80).optional(),
  trust: trustState,
  active: z.boolean(),
  /** This device (the one running this app). */
  own: z.boolean(),
  label: z.string().max(256).optional(),
});

export const ownIdentity = z.strictObject({ jid: bareJid, deviceId, fingerprint: z.string().max(80) });

// ---- requests ---------------------------------------------------------------------------

export const empty = z.strictObject({});

export const setupRequest = z
  .strictObject({
    /** 'create' registers the account on the server (XEP-0077); 'sign-in' uses an existing one. */
    mode: z.enum(['create', 'sign-in']),
    jid: bareJid,
    password: nonEmpty(LIMITS.password),
    /** Host to connect to; default the JID's domain. */
    server: text(LIMITS.host).regex(/^[A-Za-z0-9.:[\]-]*$/, 'a host name or address').optional(),
    port: z.number().int().min(1).max(65535).optional(),
    protector: protectorKind,
    passphrase: text(LIMITS.passphrase).optional(),
  })
  .refine((r) => r.protector !== 'passphrase' || (r.passphrase ?? '').length >= 8, {
    message: 'a passphrase of at least 8 characters is needed',
    path: ['passphrase'],
  });

export const unlockRequest = z.strictObject({ passphrase: text(LIMITS.passphrase).optional() });
export const listConversationsRequest = z.strictObject({ search: text(LIMITS.search).optional() });
export const openConversationRequest = z.strictObject({ peerJid: bareJid });
export const loadMessagesRequest = z.strictObject({
  conversationId,
  before: messageCursor.optional(),
  limit: z.number().int().min(1).max(LIMITS.pageSize),
});
export const sendMessageRequest = z.strictObject({
  conversationId,
  /** Client-made id, so a draft sent twice is one message. Optional: the engine makes one. */
  id: messageId.optional(),
  body: nonEmpty(LIMITS.body),
});
export const retryMessageRequest = z.strictObject({ messageId });
export const markReadRequest = z.strictObject({ conversationId, upTo: messageCursor });
export const listDevicesRequest = z.strictObject({ jid: bareJid });
export const setDeviceTrustRequest = z.strictObject({ jid: bareJid, deviceId, trust: z.enum(['verified', 'untrusted', 'undecided']) });
export const removeOwnDeviceRequest = z.strictObject({ deviceId });
export const setConversationTimerRequest = z.strictObject({
  conversationId,
  /** null turns disappearing messages off. */
  seconds: z.number().int().min(1).max(LIMITS.timerSeconds).nullable(),
});
export const openExternalRequest = z.strictObject({ url: nonEmpty(LIMITS.url) });

// ---- responses --------------------------------------------------------------------------

export const setupResponse = z.strictObject({ status: appStatus, identity: ownIdentity });
export const messagePage = z.strictObject({ messages: z.array(message), hasMore: z.boolean() });
export const markReadResponse = z.strictObject({
  changed: z.number().int().nonnegative(),
  /** Received disappearing messages whose countdown is running (it starts on display). */
  countdowns: z.array(z.strictObject({ id: messageId, expiresAt: timestamp })).max(LIMITS.pageSize).optional(),
});

// ---- events -----------------------------------------------------------------------------

export const messageStateEvent = z.strictObject({
  id: messageId,
  conversationId,
  state: deliveryState,
  reason: z.string().max(64).optional(),
});
export const devicesChangedEvent = z.strictObject({
  jid: bareJid,
  at: timestamp,
  added: z.array(deviceId),
  removed: z.array(deviceId),
  /** A known device came back with another identity key: its trust was reset. */
  keyChanged: z.array(deviceId),
});
export const messagesExpiredEvent = z.strictObject({ conversationId: conversationId.optional(), ids: z.array(messageId) });
