/**
 * Catch-up after an absence: the sender queues N OMEMO:2 messages while the receiver is
 * offline (untimed, every one acked by the server) and goes offline itself; then the
 * receiver signs in and we time `engine.start()` until the Nth message is decrypted and
 * stored: what the user waits for before the messages are there. That span holds the
 * connection (TLS, SASL, bind, XEP-0198), the archive metadata query and the XEP-0313 pages,
 * each decrypted and stored in one transaction while the next page is fetched. The engine
 * reads the archive before going available; the rest of sign-in (a fresh stream, carbons,
 * device list and bundle, presence, Prosody's offline flood of the same N messages, which the
 * engine drops by id) comes after, and is reported as `startMs`, not in the figure.
 */
import { progress } from './util.js';
import { waitUntil, type BenchClient } from './xmpp-clients.js';

/** How long sign-in may go on after the Nth message was stored before we cut it off. */
const LINGER_MS = 10_000;

export interface CatchUp {
  /** Sign-in → the Nth message stored. */
  readonly storedMs: number;
  /** Sign-in → start() resolved (every archive page handled); absent when cut off. */
  readonly startMs?: number;
  readonly viaArchive: number;
  readonly viaLive: number;
}

/**
 * `sender` and `receiver` must be fresh accounts: with internal storage (no lua-dbi-sqlite3)
 * Prosody keeps at most 10,000 items per archive (storage_archive_item_limit).
 */
export async function catchUp(sender: BenchClient, receiver: BenchClient, count: number): Promise<CatchUp> {
  // An answered session first, as in a running conversation: otherwise every queued message
  // would carry a key exchange (XEP-0384 §6: repeated until answered).
  const hello = await sender.engine.send(receiver.jid, 'hello');
  await waitUntil(() => receiver.storedAt.has(hello.id), 15_000, 'the first message');
  const reply = await receiver.engine.send(sender.jid, 'hello back');
  await waitUntil(() => sender.storedAt.has(reply.id), 15_000, 'the reply');
  await sender.engine.settle();
  await receiver.engine.settle();
  await receiver.goOffline();

  progress(`catch-up: queueing ${count} OMEMO:2 messages for an offline receiver (not timed)`);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await sender.engine.send(receiver.jid, `queued message ${i} `.padEnd(100, '.'))).id);
  await sender.engine.waitUntilSent(ids.at(-1)!, 60_000);
  await waitUntil(() => sender.store.outbox.list().length === 0, 30_000, 'every queued message acked');
  // Offline too: it shares this thread, and handling the receipts would slow the receiver down.
  await sender.goOffline();

  progress(`catch-up: receiver signs in and fetches ${count} messages`);
  const next = receiver.reconnect();
  const wanted = new Set(ids);
  let stored = 0;
  let lastStored = 0;
  let viaArchive = 0;
  let viaLive = 0;
  next.engine.on('message', (m) => {
    if (!wanted.delete(m.id)) return;
    stored++;
    lastStored = performance.now();
    if (m.via === 'archive') viaArchive++;
    else viaLive++;
  });
  const t0 = performance.now();
  let startedAt: number | undefined;
  let failure: unknown;
  const started = next.engine.start().then(
    () => void (startedAt = performance.now()),
    (error: unknown) => void (failure = error),
  );
  await waitUntil(() => stored === count || failure !== undefined, 120_000, `${count} caught-up messages stored`);
  if (failure !== undefined) throw failure;
  // Whatever sign-in does after the Nth message is not part of the figure; should it take
  // long (an older engine paged through its own receipts), cut it off.
  await Promise.race([started, new Promise((r) => setTimeout(r, LINGER_MS))]);
  const cutOff = startedAt === undefined;
  if (cutOff) await next.transport.disconnect().catch(() => undefined);
  await started;
  const catchUpLine = next.log.find((l) => l.startsWith('catch-up-'));
  if (catchUpLine) progress(`catch-up: engine says ${catchUpLine}`);
  return { storedMs: lastStored - t0, ...(!cutOff && startedAt !== undefined ? { startMs: startedAt - t0 } : {}), viaArchive, viaLive };
}
