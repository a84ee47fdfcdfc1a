/** What every part of the messaging engine shares: store, transport, protocol context, clock, log, events. */
import type { ProtocolContext } from '../protocol/index.js';
import type { Store } from '../store/index.js';
import type { EngineEvents } from './events.js';
import type { Transport } from './transport.js';

/** One log line: an event code and metadata. Callers never pass message text or keys. */
export type Logger = (line: string) => void;

export interface EngineContext {
  readonly store: Store;
  readonly transport: Transport;
  readonly protocol: ProtocolContext;
  /** Own bare JID. */
  readonly jid: string;
  /**
   * Own device id. Read on every use: a device that was never used takes another id when it
   * finds its own taken at first sign-in (own-device.ts resolveDeviceIdCollision).
   */
  deviceId: number;
  now(): number;
  log: Logger;
  emit<E extends keyof EngineEvents>(event: E, ...args: EngineEvents[E]): void;
}
