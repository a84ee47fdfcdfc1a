/**
 * Engines for the XMPP benchmarks: one encrypted store per account in a temp dir (cheap
 * scrypt, benchmarks only), an XmppConnection to the throwaway Prosody, and a record of
 * when each message reached the receiver's store.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProsodyAccount, ProsodyServer } from '../scripts/prosody/launcher.js';
import { MessagingEngine, XmppTransport, type ReceivedMessage } from '../electron/engine/messaging/index.js';
import { createStore, passphraseProtector, type ScryptParams, type Store } from '../electron/engine/store/index.js';
import { XmppConnection } from '../electron/engine/xmpp/connection.js';

/** Cheap scrypt: the store's key derivation is not what these figures measure. */
const BENCH_KDF: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };
const BENCH_PASSPHRASE = 'bench-passphrase';

export interface BenchClient {
  readonly jid: string;
  readonly store: Store;
  readonly engine: MessagingEngine;
  /** The engine's transport: plaintext stanzas go out through the same stream. */
  readonly transport: XmppTransport;
  /** performance.now() at which each message id was emitted as stored (the 'message' event). */
  readonly storedAt: Map<string, number>;
  readonly log: string[];
  /** Stops the engine, keeping the store open for a later `reconnect`. */
  goOffline(): Promise<void>;
  /** A new connection and engine on the same store, not yet started (a later sign-in). */
  reconnect(): BenchClient;
  close(): Promise<void>;
}

export interface ClientFactory {
  open(account: ProsodyAccount): Promise<BenchClient>;
  /** Closes every client and removes the stores. */
  cleanup(): Promise<void>;
}

export function clientFactory(server: ProsodyServer): ClientFactory {
  const root = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const ca = readFileSync(server.caFile);
  const clients: BenchClient[] = [];

  const build = (account: ProsodyAccount, store: Store): BenchClient => {
    const jid = `${account.user}@${server.domain}`;
    const connection = new XmppConnection({
      jid,
      password: account.password,
      host: server.host,
      port: server.port,
      ca,
      connectTimeoutMs: 10_000,
      reconnect: false,
    });
    const transport = new XmppTransport(connection);
    const log: string[] = [];
    const engine = new MessagingEngine({ store, transport, log: (line) => log.push(line) });
    const storedAt = new Map<string, number>();
    engine.on('message', (m: ReceivedMessage) => {
      if (m.direction === 'in') storedAt.set(m.id, performance.now());
    });
    let online = true;
    const client: BenchClient = {
      jid,
      store,
      engine,
      transport,
      storedAt,
      log,
      async goOffline() {
        if (!online) return;
        online = false;
        await engine.stop().catch(() => undefined);
      },
      reconnect: () => {
        const next = build(account, store);
        clients.push(next);
        return next;
      },
      async close() {
        await client.goOffline();
      },
    };
    return client;
  };

  const stores: Store[] = [];
  return {
    async open(account) {
      const store = await createStore({ dir: join(root, account.user), protector: passphraseProtector(BENCH_PASSPHRASE, BENCH_KDF) });
      stores.push(store);
      const client = build(account, store);
      clients.push(client);
      await client.engine.start();
      return client;
    },
    async cleanup() {
      for (const client of clients) await client.close();
      for (const store of stores) store.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Resolves once `predicate` holds (polled every 5 ms); rejects after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > timeoutMs) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Resolves when the receiver has stored message `id`, with the time it did. */
export function storedEvent(receiver: BenchClient, id: string, timeoutMs: number): Promise<number> {
  const already = receiver.storedAt.get(id);
  if (already !== undefined) return Promise.resolve(already);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`bench: message ${id} not stored within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = receiver.engine.on('message', (m) => {
      if (m.id !== id) return;
      clearTimeout(timer);
      off();
      // The map listener was registered first, so it already holds the time.
      resolve(receiver.storedAt.get(id) ?? performance.now());
    });
  });
}
