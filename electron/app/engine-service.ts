/**
 * The contract's operations on top of the encrypted store and the messaging engine, shared by
 * the Electron main process and the e2e test host. Plain Node: never imports electron (the
 * keystore arrives as a SafeStorageLike). Owns the app's lifecycle:
 *   needs-setup → (setup) → unlocked ⇄ (lock / unlock) ⇄ locked
 * While locked, nothing but the protector kind is known; no key stays in memory.
 */
import { randomUUID } from 'node:crypto';
import { defaultBackend } from '../engine/crypto/backend/index.js';
import type { DevicesChanged } from '../engine/messaging/events.js';
import { isMessagingError, reasonOf } from '../engine/messaging/errors.js';
import { ensureOwnDevice, protocolContext } from '../engine/messaging/index.js';
import {
  createStore,
  describeStore,
  keystoreProtector,
  openStore,
  passphraseProtector,
  type KeyProtector,
  type SafeStorageLike,
  type ScryptParams,
  type Store,
} from '../engine/store/index.js';
import type { AppStatus, ConnectionStatus, EventPayload, Message } from '../../shared/contract.js';
import type { EventName } from '../../shared/channels.js';
import { ServiceError, type EngineApi, type EngineEventListener, type ValidRequest } from '../ipc/engine-api.js';
import { conversationOps, type ConversationOps } from './conversation-ops.js';
import { disappearingOps, sessionExpiryScheduler, type DisappearingOps } from './disappearing-ops.js';
import { loadAccountSettings, saveAccountSettings } from './credentials.js';
import { fingerprintOf, messageDto } from './dto.js';
import type { AccountSettings, MessagingFactory, MessagingPort } from './messaging-port.js';
import { removeOwnDevice } from './own-device-ops.js';

export interface EngineServiceOptions {
  /** Folder of the store (parley.db, key file, lock) and the sealed account settings. */
  readonly dataDir: string;
  /** Electron's safeStorage in the app; absent where there is no OS keystore (the test host). */
  readonly safeStorage?: SafeStorageLike;
  /** The messaging engine; absent → messages are stored and stay queued (offline build). */
  readonly messaging?: MessagingFactory;
  /** PEM CA for the XMPP server (tests); the system store otherwise. */
  readonly ca?: string;
  /** Test seam: cheaper scrypt. The app always uses the default. */
  readonly scrypt?: ScryptParams;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

interface Unlocked {
  readonly store: Store;
  readonly ops: ConversationOps;
  readonly jid: string;
  readonly deviceId: number;
  readonly fingerprint: string;
  readonly messaging: MessagingPort | undefined;
  readonly disappearing: DisappearingOps;
}

/**
 * Sends through the engine under `id`. Offline, a peer whose devices are not known yet
 * cannot be encrypted to: the message waits as 'pending' here, and goes out when the engine
 * is ready (the 'ready' listener in wire()). Any other refusal keeps it as 'failed' with the reason, to retry.
 */
async function sendThroughEngine(ops: ConversationOps, messaging: MessagingPort, online: boolean, message: { conversationId: number; body: string; id: string }): Promise<Message> {
  const { conversationId, body, id } = message;
  try {
    return ops.get((await messaging.send(ops.peerOf(conversationId), body, id)).id);
  } catch (error) {
    if (!ops.has(id)) ops.storePending(conversationId, body, id);
    if (online || !isMessagingError(error, 'no-trusted-devices')) ops.setState(id, 'failed', reasonOf(error));
    return ops.get(id);
  }
}

/** The bridge's operations plus what only the main process calls (never reachable over IPC). */
export interface EngineService extends EngineApi {
  /** Resume from sleep or a wall-clock change: purge what expired meanwhile and re-arm the timer. */
  recheckExpiry(): void;
}

/**
 * Why a first sign-in failed, passed to the UI as is when the user can act on it (wrong
 * password, our device id taken by another device, a full device list); anything else is
 * 'unreachable'.
 */
const SIGN_IN_REASONS = new Set(['auth-failed', 'device-id-taken', 'device-list-full']);

export function createEngineService(options: EngineServiceOptions): EngineService {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const listeners = new Set<EngineEventListener>();
  let session: Unlocked | undefined;
  let connection: Omit<ConnectionStatus, 'queued'> = { state: 'offline' };
  /** One lifecycle operation at a time (a double-clicked unlock must not open the store twice). */
  let lifecycle: Promise<unknown> = Promise.resolve();

  const emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    for (const listener of listeners) listener(event, payload);
  };
  const serialised = <T>(operation: () => Promise<T>): Promise<T> => {
    const run = lifecycle.then(operation, operation);
    lifecycle = run.catch(() => undefined);
    return run;
  };

  function status(): AppStatus {
    const described = describeStore(options.dataDir);
    if (described === undefined) return { state: 'needs-setup' };
    const protector = described.protector === 'passphrase' ? 'passphrase' : 'keystore';
    return session ? { state: 'unlocked', protector, jid: session.jid } : { state: 'locked', protector };
  }
  const connectionStatus = (): ConnectionStatus => ({ ...connection, queued: session?.ops.pendingCount() ?? 0 });
  const emitConnection = (): void => emit('connection', connectionStatus());

  function protectorFor(kind: 'passphrase' | 'keystore', passphrase: string | undefined): KeyProtector {
    if (kind === 'passphrase') {
      if (passphrase === undefined || passphrase === '') throw new ServiceError('wrong-passphrase', 'Enter your passphrase.');
      return passphraseProtector(passphrase, options.scrypt);
    }
    if (!options.safeStorage) throw new ServiceError('keystore-unavailable', 'No system keystore here: choose a passphrase.');
    return keystoreProtector(options.safeStorage);
  }

  function requireSession(): Unlocked {
    if (session) return session;
    throw status().state === 'needs-setup'
      ? new ServiceError('needs-setup', 'Set up an account first.')
      : new ServiceError('locked', 'Parley is locked.');
  }

  async function begin(store: Store, settings: AccountSettings | undefined): Promise<Unlocked> {
    // First: on a new store the engine creates the OMEMO device itself, and so knows that no
    // archived message can be for it (no catch-up of messages from before it existed).
    const expiry = sessionExpiryScheduler(store, now, log);
    const messaging =
      settings && options.messaging?.create({ store, account: settings, log, expiryScheduler: expiry.scheduler, ...(options.ca !== undefined && { ca: options.ca }) });
    const account = store.account.get();
    if (!account) throw new ServiceError('needs-setup', 'This store has no account yet.');
    const own = { jid: account.jid, deviceId: account.deviceId, identityPublic: account.identityPublic };
    const ops = conversationOps(store, own, now);
    const disappearing = disappearingOps({ expiry, store, ops, own, messaging, now, log, emit, live: () => session === unlocked });
    const unlocked: Unlocked = { store, ops, jid: account.jid, deviceId: account.deviceId, fingerprint: fingerprintOf(account.identityPublic) ?? '', messaging, disappearing };
    if (messaging) wire(unlocked, messaging);
    disappearing.start(); // what expired while locked is purged before anything is shown
    session = unlocked;
    emit('appState', status());
    connection = { state: messaging ? 'connecting' : 'offline' };
    emitConnection();
    if (messaging) {
      messaging.start().catch((error: unknown) => {
        const code = reasonOf(error);
        log(`messaging-start-failed ${code}`);
        connection = { state: 'error', reason: SIGN_IN_REASONS.has(code) ? code : 'unreachable' };
        emitConnection();
      });
    }
    return unlocked;
  }

  function wire(unlocked: Unlocked, messaging: MessagingPort): void {
    const live = () => session === unlocked;
    const emitStored = (id: string) => {
      const stored = unlocked.store.messages.get(id);
      if (stored) emit('messageNew', messageDto(stored));
      emit('conversationsChanged', {});
    };
    messaging.on('message', (m) => live() && emitStored(m.id));
    messaging.on('undecryptable', (m) => live() && emitStored(m.id));
    messaging.on('delivery', ({ id, state }) => {
      if (!live()) return;
      const stored = unlocked.store.messages.get(id);
      if (!stored) return;
      emit('messageState', { id, conversationId: stored.conversationId, state, ...(stored.stateReason !== undefined && { reason: stored.stateReason }) });
      emitConnection();
    });
    messaging.on('devices', (change: DevicesChanged) => {
      if (!live()) return;
      emit('devicesChanged', { jid: change.jid, at: now(), added: [...change.added], removed: [...change.removed], keyChanged: [...change.identityChanged] });
    });
    // Signed in: what waited here for the peer's devices goes to the engine now.
    messaging.on('ready', () => {
      if (!live()) return;
      void (async () => {
        for (const waiting of unlocked.ops.unsentPending()) {
          if (!live()) return;
          const sent = await sendThroughEngine(unlocked.ops, messaging, true, { conversationId: waiting.conversationId, body: waiting.body ?? '', id: waiting.id });
          emit('messageState', { id: sent.id, conversationId: sent.conversationId, state: sent.state, ...(sent.reason !== undefined && { reason: sent.reason }) });
        }
        emitConnection();
      })().catch((error: unknown) => log(`queued-send-failed ${reasonOf(error)}`));
    });
    messaging.on('connection', ({ state, errorCode }) => {
      if (!live()) return;
      const reason = errorCode === 'auth-failed' ? 'auth-failed' : errorCode === undefined ? undefined : 'unreachable';
      connection = { state, ...(reason !== undefined && { reason }) };
      emitConnection();
    });
  }

  async function end(): Promise<void> {
    const current = session;
    if (!current) return;
    session = undefined;
    connection = { state: 'offline' };
    current.disappearing.stop();
    try {
      await current.messaging?.stop();
    } finally {
      current.store.close();
    }
    emit('appState', status());
    emitConnection();
  }

  return {
    recheckExpiry() {
      session?.disappearing.recheck();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close: () => serialised(end),
    getAppState: async () => status(),

    setup: (request: ValidRequest<'setup'>) =>
      serialised(async () => {
        if (status().state !== 'needs-setup') throw new ServiceError('already-set-up', 'This device already has an account.');
        const jid = request.jid.toLowerCase();
        const settings: AccountSettings = { jid, password: request.password, ...(request.server && { server: request.server }), ...(request.port && { port: request.port }) };
        if (request.mode === 'create') {
          if (!options.messaging?.register) throw new ServiceError('not-implemented', 'Creating an account on the server is not available yet: sign in to an existing one.');
          await options.messaging.register(settings, options.ca);
        }
        const protector = protectorFor(request.protector, request.passphrase);
        const store = await createStore({ dir: options.dataDir, protector, ...(options.now && { now: options.now }) });
        let unlocked;
        try {
          // Without the engine, the whole OMEMO device (identity, signed pre-key, one-time
          // pre-keys) is made here; with it, begin() lets the engine make it.
          if (!options.messaging) ensureOwnDevice(protocolContext(store, defaultBackend(), now), store, jid);
          await saveAccountSettings(options.dataDir, protector, settings);
          unlocked = await begin(store, settings);
        } catch (error) {
          store.close();
          throw error;
        }
        return { status: status(), identity: { jid: unlocked.jid, deviceId: unlocked.deviceId, fingerprint: unlocked.fingerprint } };
      }),

    unlock: (request: ValidRequest<'unlock'>) =>
      serialised(async () => {
        const current = status();
        if (current.state === 'unlocked') return current;
        if (current.state === 'needs-setup') throw new ServiceError('needs-setup', 'Set up an account first.');
        const protector = protectorFor(current.protector ?? 'passphrase', request.passphrase);
        const store = await openStore({ dir: options.dataDir, protector, ...(options.now && { now: options.now }) });
        try {
          await begin(store, await loadAccountSettings(options.dataDir, protector));
        } catch (error) {
          store.close();
          throw error;
        }
        return status();
      }),

    lock: () =>
      serialised(async () => {
        await end();
        return status();
      }),

    getConnection: async () => connectionStatus(),
    listConversations: async ({ search }) => requireSession().ops.list(search),
    openConversation: async ({ peerJid }) => {
      const { ops } = requireSession();
      const id = ops.open(peerJid);
      emit('conversationsChanged', {});
      return ops.summary(id);
    },
    loadMessages: async ({ conversationId, before, limit }) => requireSession().ops.page(conversationId, before, limit),

    sendMessage: async ({ conversationId, body, id = randomUUID() }) => {
      const { ops, messaging } = requireSession();
      ops.peerOf(conversationId);
      ops.requireNewId(id);
      const message = messaging ? await sendThroughEngine(ops, messaging, connection.state === 'online', { conversationId, body, id }) : ops.storePending(conversationId, body, id);
      emit('conversationsChanged', {});
      emitConnection();
      return message;
    },

    retryMessage: async ({ messageId }) => {
      const { ops, messaging } = requireSession();
      const failed = ops.get(messageId);
      if (failed.direction !== 'out' || failed.state !== 'failed' || failed.body === undefined) {
        throw new ServiceError('not-allowed', 'Only a failed outgoing message can be sent again.');
      }
      // The engine's outbox resends pending messages by itself; a failed one goes out again under its id.
      let retried;
      if (messaging) {
        // The peer may have set up a device since: ask the server before encrypting again.
        const peer = ops.peerOf(failed.conversationId);
        if (connection.state === 'online') await messaging.refreshDevices?.(peer).catch((error: unknown) => log(`device-refresh-failed ${reasonOf(error)}`));
        retried = await sendThroughEngine(ops, messaging, true, { conversationId: failed.conversationId, body: failed.body, id: messageId });
      } else {
        ops.setState(messageId, 'pending');
        retried = ops.get(messageId);
      }
      emit('conversationsChanged', {});
      emitConnection();
      return retried;
    },

    markRead: async ({ conversationId, upTo }) => {
      const changed = requireSession().ops.markRead(conversationId, upTo);
      // GAP: XEP-0333 displayed markers to the peer belong to the messaging engine.
      if (changed > 0) emit('conversationsChanged', {});
      if (changed === 0) return { changed };
      const { disappearing } = requireSession(); // start-on-display: countdowns run from now
      disappearing.countdownsChanged();
      const countdowns = disappearing.countdowns(conversationId);
      return countdowns.length > 0 ? { changed, countdowns } : { changed };
    },
    listDevices: async ({ jid }) => requireSession().ops.devices(jid.toLowerCase()),
    setDeviceTrust: async ({ jid, deviceId, trust }) => {
      const { ops, messaging } = requireSession();
      const bare = jid.toLowerCase();
      // Through the engine when it runs, so its trust rules apply and it announces the change;
      // 'undecided' (reset) is not a decision the engine takes, so it goes to the store.
      if (!messaging?.setTrust || trust === 'undecided') return ops.setTrust(bare, deviceId, trust);
      ops.device(bare, deviceId);
      messaging.setTrust(bare, deviceId, trust);
      return ops.device(bare, deviceId);
    },
    removeOwnDevice: async ({ deviceId }) => {
      const { ops, messaging, jid, deviceId: ownId } = requireSession();
      return removeOwnDevice({ ops, messaging, own: { jid, deviceId: ownId } }, deviceId);
    },
    getOwnIdentity: async () => {
      const { jid, deviceId, fingerprint } = requireSession();
      return { jid, deviceId, fingerprint };
    },
    setConversationTimer: async ({ conversationId, seconds }) => requireSession().disappearing.setTimer(conversationId, seconds),
  };
}
