/**
 * The bridge between the main process (or the test host) and the renderer: each method's
 * request and response schema and each event's payload schema. `window.parley` is exactly
 * `ParleyApi`, derived from this table, so both sides type-check against one definition.
 */
import type { z } from 'zod';
import type { EventName, MethodName } from './channels.js';
import type { Result } from './result.js';
import * as s from './schemas.js';

export const contract = {
  getAppState: { request: s.empty, response: s.appStatus },
  setup: { request: s.setupRequest, response: s.setupResponse },
  unlock: { request: s.unlockRequest, response: s.appStatus },
  lock: { request: s.empty, response: s.appStatus },
  getConnection: { request: s.empty, response: s.connectionStatus },
  listConversations: { request: s.listConversationsRequest, response: s.conversationSummary.array() },
  /** Starts a chat: the conversation with that JID, created on first use. */
  openConversation: { request: s.openConversationRequest, response: s.conversationSummary },
  /** One page, oldest first; `before` pages back through history. */
  loadMessages: { request: s.loadMessagesRequest, response: s.messagePage },
  /** Stores the message (pending) and sends it, or queues it while offline. */
  sendMessage: { request: s.sendMessageRequest, response: s.message },
  retryMessage: { request: s.retryMessageRequest, response: s.message },
  /** The user has seen the conversation up to `upTo`: read markers, and received disappearing messages start counting down. */
  markRead: { request: s.markReadRequest, response: s.markReadResponse },
  listDevices: { request: s.listDevicesRequest, response: s.device.array() },
  setDeviceTrust: { request: s.setDeviceTrustRequest, response: s.device },
  /** Removes another device of the user's own account (a lost or retired one) from its device list; answers the account's devices. */
  removeOwnDevice: { request: s.removeOwnDeviceRequest, response: s.device.array() },
  getOwnIdentity: { request: s.empty, response: s.ownIdentity },
  /** Sets the conversation's disappearing timer (null = off) for messages sent from now on; the peer is told. */
  setConversationTimer: { request: s.setConversationTimerRequest, response: s.conversationSummary },
  /** Opens an https link in the system browser. */
  openExternal: { request: s.openExternalRequest, response: s.empty },
} as const satisfies Record<MethodName, { request: z.ZodType; response: z.ZodType }>;

export const events = {
  appState: s.appStatus,
  connection: s.connectionStatus,
  messageNew: s.message,
  messageState: s.messageStateEvent,
  devicesChanged: s.devicesChangedEvent,
  /** Disappearing messages expired and were purged: drop them from every view and notification. */
  messagesExpired: s.messagesExpiredEvent,
  /** Something in the list changed (a new conversation, a read marker): fetch it again. */
  conversationsChanged: s.empty,
} as const satisfies Record<EventName, z.ZodType>;

export type Request<M extends MethodName> = z.input<(typeof contract)[M]['request']>;
export type Response<M extends MethodName> = z.output<(typeof contract)[M]['response']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** A request whose fields are all optional (or that has none) may be left out. */
type RequiredKeys<T> = { [K in keyof T]-?: string extends K ? never : undefined extends T[K] ? never : K }[keyof T];
type Args<M extends MethodName> = [RequiredKeys<Request<M>>] extends [never] ? [request?: Request<M>] : [request: Request<M>];

/** `window.parley`: one method per contract entry, and `on` for events (returns the unsubscribe). */
export type ParleyApi = { readonly [M in MethodName]: (...args: Args<M>) => Promise<Result<Response<M>>> } & {
  readonly on: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => () => void;
};

export type AppStatus = z.output<typeof s.appStatus>;
export type AppState = AppStatus['state'];
export type ConnectionStatus = z.output<typeof s.connectionStatus>;
export type Message = z.output<typeof s.message>;
export type MessageCursor = z.output<typeof s.messageCursor>;
export type DeliveryState = Message['state'];
export type ConversationSummary = z.output<typeof s.conversationSummary>;
export type Device = z.output<typeof s.device>;
export type TrustState = Device['trust'];
export type OwnIdentity = z.output<typeof s.ownIdentity>;
export type DevicesChanged = EventPayload<'devicesChanged'>;
