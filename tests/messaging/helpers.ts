/** Shared helpers for the messaging tests against a real, throwaway Prosody. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProsody, type ProsodyServer } from '../../scripts/prosody/launcher.js';
import { MessagingEngine, XmppTransport, type EngineEvents, type EngineOptions, type ReceivedMessage } from '../../electron/engine/messaging/index.js';
import { createStore, openStore, passphraseProtector, type Store } from '../../electron/engine/store/index.js';
import { XmppConnection } from '../../electron/engine/xmpp/connection.js';

export const PASSPHRASE = 'test-passphrase';
/** Cheap scrypt for tests only (the app uses DEFAULT_SCRYPT). */
export const FAST_KDF = { N: 2 ** 10, r: 8, p: 1 };

export interface Account {
  readonly user: string;
  readonly password: string;
}

export const ALICE: Account = { user: 'alice', password: 'alice-Secret-1' };
export const BOB: Account = { user: 'bob', password: 'bob-Secret-2' };
export const CAROL: Account = { user: 'carol', password: 'carol-Secret-3' };

export function startServer(accounts: readonly Account[] = [ALICE, BOB, CAROL], logLevel: 'debug' | 'info' = 'info'): Promise<ProsodyServer> {
  return startProsody({ accounts, logLevel });
}

export const jidOf = (server: ProsodyServer, account: Account): string => `${account.user}@${server.domain}`;

/** A temp dir for stores, removed by cleanup(). */
export function tempDirs(): { make(name: string): string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'parley-messaging-'));
  return {
    make: (name) => join(root, name),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export async function openOrCreateStore(dir: string): Promise<Store> {
  const protector = passphraseProtector(PASSPHRASE, FAST_KDF);
  try {
    return await openStore({ dir, protector });
  } catch {
    return createStore({ dir, protector });
  }
}

export interface Client {
  readonly engine: MessagingEngine;
  readonly store: Store;
  readonly connection: XmppConnection;
  readonly transport: XmppTransport;
  readonly received: ReceivedMessage[];
  readonly log: string[];
  stop(): Promise<void>;
}

export interface ClientOptions {
  readonly port?: number;
  readonly preKeyCount?: number;
  readonly catchUp?: EngineOptions['catchUp'];
  readonly signedPreKey?: EngineOptions['signedPreKey'];
  /** The engine's clock (default Date.now). */
  readonly now?: () => number;
  /** Sees every message as it is stored, from the very start of sign-in. */
  readonly onMessage?: (message: ReceivedMessage) => void;
}

/** A connection for `account` that trusts the test server's CA and reconnects quickly. */
export function connectionFor(server: ProsodyServer, account: Account, port = server.port): XmppConnection {
  return new XmppConnection({
    jid: jidOf(server, account),
    password: account.password,
    host: server.host,
    port,
    ca: readFileSync(server.caFile),
    connectTimeoutMs: 10_000,
    reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 },
  });
}

/** A started engine for `account` on the store in `dir` (created on first use). */
export async function startClient(server: ProsodyServer, account: Account, dir: string, options: ClientOptions = {}): Promise<Client> {
  const store = await openOrCreateStore(dir);
  const connection = connectionFor(server, account, options.port);
  const transport = new XmppTransport(connection);
  const log: string[] = [];
  const engine = new MessagingEngine({
    store,
    transport,
    log: (line) => log.push(line),
    ...(options.preKeyCount !== undefined ? { preKeyCount: options.preKeyCount } : {}),
    ...(options.catchUp !== undefined ? { catchUp: options.catchUp } : {}),
    ...(options.signedPreKey !== undefined ? { signedPreKey: options.signedPreKey } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  const received: ReceivedMessage[] = [];
  engine.on('message', (m) => {
    received.push(m);
    options.onMessage?.(m);
  });
  try {
    await engine.start();
  } catch (error) {
    store.close();
    throw error;
  }
  return {
    engine,
    store,
    connection,
    transport,
    received,
    log,
    async stop() {
      await engine.stop().catch(() => undefined);
      store.close();
    },
  };
}

/** Resolves once `predicate` holds, polling; rejects after timeoutMs. */
export async function waitFor(predicate: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function nextEvent<E extends keyof EngineEvents>(engine: MessagingEngine, event: E, match: (...args: EngineEvents[E]) => boolean = () => true, timeoutMs = 15_000): Promise<EngineEvents[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${event} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = engine.on(event, (...args) => {
      if (!match(...args)) return;
      clearTimeout(timer);
      off();
      resolve(args);
    });
  });
}

/**
 * One Prosody for a test file: started before its tests, stopped after them together with the
 * clients the file started and its temp dirs. `server` is read inside tests (it exists then).
 */
export function useServer(): { readonly server: ProsodyServer; readonly dirs: ReturnType<typeof tempDirs>; readonly clients: Client[] } {
  let server: ProsodyServer | undefined;
  const dirs = tempDirs();
  const clients: Client[] = [];
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    for (const c of clients) await c.stop();
    await server?.stop();
    dirs.cleanup();
  });
  return {
    get server(): ProsodyServer {
      if (!server) throw new Error('the test server has not started');
      return server;
    },
    dirs,
    clients,
  };
}
