/**
 * The names of the bridge, without their schemas: the sandboxed preload needs only these,
 * so it stays a few hundred bytes and never loads a validator it does not use.
 * Every request travels over INVOKE_CHANNEL as (method, payload); every event over EVENT_CHANNEL
 * as (event, payload). One channel each means an unknown method reaches the main process's
 * dispatcher and gets a typed 'unknown-channel' answer instead of Electron's untyped rejection.
 */
export const INVOKE_CHANNEL = 'parley:invoke';
export const EVENT_CHANNEL = 'parley:event';

export const METHODS = [
  'getAppState',
  'setup',
  'unlock',
  'lock',
  'getConnection',
  'listConversations',
  'openConversation',
  'loadMessages',
  'sendMessage',
  'retryMessage',
  'markRead',
  'listDevices',
  'setDeviceTrust',
  'removeOwnDevice',
  'getOwnIdentity',
  'setConversationTimer',
  'openExternal',
] as const;

export const EVENTS = ['appState', 'connection', 'messageNew', 'messageState', 'devicesChanged', 'messagesExpired', 'conversationsChanged'] as const;

export type MethodName = (typeof METHODS)[number];
export type EventName = (typeof EVENTS)[number];

export const isMethodName = (name: unknown): name is MethodName => typeof name === 'string' && (METHODS as readonly string[]).includes(name);
export const isEventName = (name: unknown): name is EventName => typeof name === 'string' && (EVENTS as readonly string[]).includes(name);
