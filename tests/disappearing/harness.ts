/**
 * Engines on the in-memory network with real encrypted SQLite stores and one controllable
 * clock: wall time, monotonic time and the expiry timers all move only when `advance` says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessagingEngine, type ExpiredMessages, type ReceivedMessage, type TimerChanged } from '../../electron/engine/messaging/index.js';
import type { TimerApi } from '../../electron/engine/messaging/disappearing/index.js';
import { MemoryNetwork, type MemoryTransport } from '../../electron/engine/messaging/memory-network.js';
import { createStore, openStore, passphraseProtector, type Store } from '../../electron/engine/store/index.js';

export const ALICE = 'alice@example.test';
export const BOB = 'bob@example.test';

const protector = () => passphraseProtector('x', { N: 2 ** 4, r: 1, p: 1 });

export class FakeClock {
  wall = Date.UTC(2025, 5, 1, 12);
  mono = 0;
  readonly #timers = new Map<number, { at: number; run: () => void }>();
  #next = 1;

  readonly now = (): number => this.wall;
  readonly monotonic = (): number => this.mono;
  readonly timers: TimerApi = {
    set: (run, delay) => {
      const handle = this.#next++;
      this.#timers.set(handle, { at: this.mono + delay, run });
      return handle;
    },
    clear: (handle) => void this.#timers.delete(handle as number),
  };

  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Time passes (awake): due expiry timers fire in order. */
  advance(ms: number): void {
    const target = this.mono + ms;
    for (;;) {
      const due = [...this.#timers].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.wall += due[1].at - this.mono;
      this.mono = due[1].at;
      this.#timers.delete(due[0]);
      due[1].run();
    }
    this.wall += target - this.mono;
    this.mono = target;
  }
}

export interface Peer {
  readonly name: string;
  engine: MessagingEngine;
  store: Store;
  transport: MemoryTransport;
  readonly received: ReceivedMessage[];
  readonly expired: string[];
  readonly timers: TimerChanged[];
  readonly log: string[];
}

export class World {
  readonly dir = mkdtempSync(join(tmpdir(), 'parley-disappearing-'));
  readonly network = new MemoryNetwork();
  readonly clock = new FakeClock();
  readonly peers: Peer[] = [];

  storeDir(name: string): string {
    return join(this.dir, name);
  }

  async openStore(name: string): Promise<Store> {
    const options = { dir: this.storeDir(name), protector: protector(), now: this.clock.now };
    return openStore(options).catch(() => createStore(options));
  }

  engineOn(store: Store, transport: MemoryTransport, sink: Pick<Peer, 'received' | 'expired' | 'timers' | 'log'>): MessagingEngine {
    const engine = new MessagingEngine({
      store,
      transport,
      now: this.clock.now,
      log: (l) => sink.log.push(l),
      preKeyCount: 20,
      disappearing: { monotonic: this.clock.monotonic, timers: this.clock.timers },
    });
    engine.on('message', (m) => sink.received.push(m));
    engine.on('expired', (batch: ExpiredMessages) => sink.expired.push(...batch.ids));
    engine.on('timer', (t) => sink.timers.push(t));
    return engine;
  }

  /** A started engine for `jid` on the store `name` (one store per device). */
  async peer(jid: string, name: string): Promise<Peer> {
    const store = await this.openStore(name);
    const transport = this.network.transport(jid);
    const sink = { received: [] as ReceivedMessage[], expired: [] as string[], timers: [] as TimerChanged[], log: [] as string[] };
    const peer: Peer = { name, store, transport, ...sink, engine: this.engineOn(store, transport, sink) };
    await peer.engine.start();
    this.peers.push(peer);
    return peer;
  }

  /** The app quits: engine stopped, store closed. */
  async close(peer: Peer): Promise<void> {
    await peer.engine.stop();
    peer.store.close();
    this.peers.splice(this.peers.indexOf(peer), 1);
  }

  /** The app starts again on the same store; the engine is constructed but not started. */
  async reopen(peer: Peer, jid: string): Promise<Peer> {
    peer.store = await this.openStore(peer.name);
    peer.transport = this.network.transport(jid);
    peer.engine = this.engineOn(peer.store, peer.transport, peer);
    this.peers.push(peer);
    return peer;
  }

  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 5));
      for (const p of this.peers) await p.engine.settle();
    }
  }

  async until(predicate: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 400 && !predicate(); i++) await new Promise((r) => setTimeout(r, 5));
    if (!predicate()) throw new Error(`never: ${what}`);
  }

  async dispose(): Promise<void> {
    for (const p of this.peers.splice(0)) {
      await p.engine.stop().catch(() => undefined);
      p.store.close();
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
