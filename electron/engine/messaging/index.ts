/** The messaging layer's entry point: the engine, its transport interface and events. */
export { MessagingEngine, type EngineOptions } from './engine.js';
export type { SignedPreKeyRotationOptions } from './signed-pre-key-rotation.js';
export { MessagingError, isMessagingError, type MessagingErrorCode } from './errors.js';
export type * from './events.js';
export type { SendOptions, SentMessage } from './outgoing.js';
export { TIMER_PRESETS, MAX_TIMER_SECONDS, ExpiryScheduler, type TimerSetting } from './disappearing/index.js';
export type { Transport, TransportEvents, TransportState, TransportStatus } from './transport.js';
export { XmppTransport } from './xmpp-transport.js';
export type { TrustDecision } from './trust.js';
export type { Logger } from './context.js';
export { listDevices, setDeviceTrust } from './device-info.js';
export { ensureOwnDevice, protocolContext } from './own-device.js';
