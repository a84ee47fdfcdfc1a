/**
 * The seam between the app service and the messaging engine (electron/engine/messaging/),
 * which is being written alongside. The service needs only this much; the lead wires the real
 * engine in by passing a `MessagingFactory` (see main.ts and e2e/host/server.ts).
 *
 * GAP (for the lead): the engine's top-level constructor is not published yet. What the
 * service assumes of it, beyond `EngineEvents`, is written on each member below.
 */
import type { EngineEvents } from '../engine/messaging/events.js';
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
   * offline; resolves with the stored message's id (outgoing.ts `Outgoing.send`).
   */
  send(to: string, body: string): Promise<{ readonly id: string }>;
  on<E extends keyof EngineEvents>(event: E, listener: (...args: EngineEvents[E]) => void): void;
}

export interface MessagingContext {
  readonly store: Store;
  readonly account: AccountSettings;
  /** PEM CA trusted for the server instead of the system store (tests: the throwaway Prosody's CA). */
  readonly ca?: string;
  readonly log: (line: string) => void;
}

export interface MessagingFactory {
  create(context: MessagingContext): MessagingPort;
  /**
   * Optional: registers the account on the server (XEP-0077), for setup's 'create' mode.
   * Without it, 'create' answers not-implemented.
   */
  register?(account: AccountSettings, ca?: string): Promise<void>;
}
