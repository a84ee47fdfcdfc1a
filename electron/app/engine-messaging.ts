/**
 * The real MessagingFactory: the messaging engine (electron/engine/messaging/) on an XMPP
 * connection for the unlocked store, and account creation by XEP-0077 in-band registration.
 * Plain Node, shared by the Electron main process and the e2e test host. The CLI builds the
 * same pieces in electron/cli/account.ts.
 */
import { isMessagingError, MessagingEngine, XmppTransport, type Transport, type TransportStatus } from '../engine/messaging/index.js';
import { XmppConnection } from '../engine/xmpp/connection.js';
import { isRetryable, isXmppError, toXmppError } from '../engine/xmpp/errors.js';
import { registerAccount } from '../engine/xmpp/register.js';
import { ServiceError } from '../ipc/engine-api.js';
import type { AccountSettings, MessagingContext, MessagingFactory, MessagingPort } from './messaging-port.js';

export interface EngineMessagingOptions {
  /** Builds the transport for an account; default an XmppTransport on a real connection (tests: MemoryNetwork). */
  readonly transport?: (account: AccountSettings, ca: string | undefined) => Transport;
  /** One-time pre-keys kept published; the engine's default (100) unless given. */
  readonly preKeyCount?: number;
  /** First retry after a failed first sign-in, doubling up to `maxRetryMs`. */
  readonly firstRetryMs?: number;
  readonly maxRetryMs?: number;
}

const CONNECT_TIMEOUT_MS = 20_000;
const RECONNECT = { initialDelayMs: 1_000, maxDelayMs: 30_000 };

function xmppConnection(account: AccountSettings, ca: string | undefined): XmppConnection {
  return new XmppConnection({
    jid: account.jid,
    password: account.password,
    ...(account.server !== undefined && { host: account.server }),
    ...(account.port !== undefined && { port: account.port }),
    ...(ca !== undefined && { ca }),
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    reconnect: RECONNECT,
  });
}

/** Failures that need the user (password, certificate, no TLS, the server ending the stream for good). */
const FINAL_CODES = new Set(['auth-failed', 'certificate-rejected', 'insecure', 'stream-error']);
const mayRecover = (status: TransportStatus): boolean => status.state === 'offline' || (status.state === 'error' && !FINAL_CODES.has(status.errorCode ?? ''));

/** Whether trying the first sign-in again can help (a server that is down: yes; a wrong password: no). */
function worthRetrying(error: unknown): boolean {
  if (isMessagingError(error)) return error.code === 'publish-failed' || error.code === 'timeout';
  return isRetryable(toXmppError(error));
}

export function engineMessaging(options: EngineMessagingOptions = {}): MessagingFactory {
  const firstRetryMs = options.firstRetryMs ?? 2_000;
  const maxRetryMs = options.maxRetryMs ?? 60_000;

  return {
    create({ store, account, ca, log, expiryScheduler }: MessagingContext): MessagingPort {
      const transport = options.transport?.(account, ca) ?? new XmppTransport(xmppConnection(account, ca));
      const engine = new MessagingEngine({
        store,
        transport,
        log,
        ...(options.preKeyCount !== undefined && { preKeyCount: options.preKeyCount }),
        ...(expiryScheduler && { disappearing: { scheduler: expiryScheduler } }),
      });
      let stopped = false;
      let retryTimer: NodeJS.Timeout | undefined;
      /** Set while a failed first sign-in will be tried again. */
      let retrying = false;
      /** The failure that ended the tries: shown instead of the 'offline' that cleaning up reports. */
      let gaveUp: TransportStatus | undefined;

      /**
       * The connection reconnects by itself once it was online; a first sign-in that fails
       * (server down at start-up) is tried again here until it succeeds, fails for good or stop().
       */
      const attempt = async (delay: number): Promise<void> => {
        retrying = true;
        try {
          await engine.start();
          retrying = false;
        } catch (error) {
          retrying = !stopped && worthRetrying(error);
          if (!retrying && !stopped && transport.status.state === 'error') gaveUp = transport.status;
          await engine.stop().catch(() => undefined);
          if (!retrying) throw error;
          log(`sign-in-retry in=${delay}ms reason=${(error as { code?: string }).code ?? 'internal'}`);
          retryTimer = setTimeout(() => {
            retryTimer = undefined;
            if (!stopped) attempt(Math.min(delay * 2, maxRetryMs)).catch((e: unknown) => log(`sign-in-failed reason=${(e as { code?: string }).code ?? 'internal'}`));
          }, delay);
          retryTimer.unref();
        }
      };

      return {
        start: () => attempt(firstRetryMs),
        async stop() {
          stopped = true;
          retrying = false;
          gaveUp = undefined;
          if (retryTimer) clearTimeout(retryTimer);
          await engine.stop();
        },
        send: (to, body, id) => engine.send(to, body, id),
        on(event, listener) {
          if (event !== 'connection') return void engine.on(event, listener);
          // While a failed first sign-in will be tried again, the user sees 'reconnecting', not a dead end.
          const report = listener as (status: TransportStatus) => void;
          engine.on('connection', (status) => {
            if (retrying && mayRecover(status)) report({ ...status, state: 'reconnecting' });
            else report(status.state === 'offline' && gaveUp ? gaveUp : status);
          });
        },
        setTrust: (jid, deviceId, decision) => engine.setTrust(jid, deviceId, decision),
        refreshDevices: async (jid) => void (await engine.refreshDevices(jid)),
        setConversationTimer: (peer, seconds) => engine.setConversationTimer(peer, seconds),
        removeOwnDevice: (deviceId) => engine.removeOwnDevice(deviceId),
      };
    },

    async register(account, ca) {
      try {
        await registerAccount({
          jid: account.jid,
          password: account.password,
          ...(account.server !== undefined && { host: account.server }),
          ...(account.port !== undefined && { port: account.port }),
          ...(ca !== undefined && { ca }),
          timeoutMs: CONNECT_TIMEOUT_MS,
        });
      } catch (error) {
        throw registrationError(error);
      }
    },
  };
}

/** The server's refusals in words the setup form can show; connection failures pass through (ipc/errors.ts maps them). */
function registrationError(error: unknown): unknown {
  if (!isXmppError(error, 'stanza-error')) return error;
  switch (error.condition) {
    case 'conflict':
      return new ServiceError('not-allowed', 'This address is taken on the server: choose another name, or sign in.', { cause: error });
    case 'not-acceptable':
    case 'bad-request':
      return new ServiceError('not-allowed', 'The server does not accept this name or password.', { cause: error });
    case 'service-unavailable':
    case 'feature-not-implemented':
      return new ServiceError('not-allowed', 'This server does not let apps create accounts: create one on its website, then sign in.', { cause: error });
    default:
      return new ServiceError('not-allowed', `The server refused to create the account (${error.condition ?? 'no reason given'}).`, { cause: error });
  }
}
