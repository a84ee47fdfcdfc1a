/**
 * The seam between the app service and the messaging engine (electron/engine/messaging/).
 * The service needs only this much; electron/app/engine-messaging.ts implements it on the
 * real engine, and main.ts and the e2e test host pass that factory in.
 */
import type { EngineEvents } from '../engine/messaging/events.js';
import type { TrustDecision } from '../engine/messaging/trust.js';
import type { ExpiryScheduler } from '../engine/messaging/disappearing/index.js';
import type { Store } from '../engine/store/index.js';

export interface AccountSettings {
  readonly jid: string;
  readonly password: string;
  /** Host to connect to; default the JID's domain. */
  readonly server?: string;
  readonly port?: number;
}

export interface MessagingPort {
  /** Connects and keeps reconnecting; resolves once the first attempt is under way. */
  start(): Promise<void>;
  /** Disconnects for good; nothing touches the store afterwards. */
  stop(): Promise<void>;
  /**
   * Encrypts, stores (state 'pending') and sends `body`, or keeps it in the outbox while
   * offline; resolves with the stored message's id (outgoing.ts `Outgoing.send`). `id` names
   * the message; the id of a stored 'failed' outgoing message sends that message again.
   */
  send(to: string, body: string, id?: string): Promise<{ readonly id: string }>;
  on<E extends keyof EngineEvents>(event: E, listener: (...args: EngineEvents[E]) => void): void;
  /** Asks the server for `jid`'s devices now (and their bundles), e.g. before retrying a message. */
  refreshDevices?(jid: string): Promise<void>;
  /** The user's trust decision, under the engine's trust rules (it emits 'devices'). */
  setTrust?(jid: string, deviceId: number, decision: TrustDecision): void;
  /** Removes another device of our account from the device list and PEP (engine.removeOwnDevice); throws MessagingError. */
  removeOwnDevice?(deviceId: number): Promise<void>;
  /** Disappearing messages: sets the conversation's timer (undefined = off) and tells the peer (engine.setConversationTimer). */
  setConversationTimer?(peer: string, seconds: number | undefined): Promise<unknown>;
}

export interface MessagingContext {
  readonly store: Store;
  readonly account: AccountSettings;
  /** PEM CA trusted for the server instead of the system store (tests: the throwaway Prosody's CA). */
  readonly ca?: string;
  readonly log: (line: string) => void;
  /** The service's expiry scheduler, shared with the engine so the process keeps one expiry timer. */
  readonly expiryScheduler?: ExpiryScheduler;
}

export interface MessagingFactory {
  create(context: MessagingContext): MessagingPort;
  /**
   * Optional: registers the account on the server (XEP-0077), for setup's 'create' mode.
   * Without it, 'create' answers not-implemented.
   */
  register?(account: AccountSettings, ca?: string): Promise<void>;
}
