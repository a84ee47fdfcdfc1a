/**
 * Sign-in after an absence against Prosody: the archive is read before going available (the
 * server then does not push every message a second time first), messages kept out of the
 * archive still come from offline storage, and nothing is lost or doubled when the server
 * dies in the middle of it.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProsodyServer } from '../../scripts/prosody/launcher.js';
import type { ReceivedMessage } from '../../electron/engine/messaging/index.js';
import { ALICE, BOB, jidOf, startClient, useServer, waitFor, type Client, type ClientOptions } from './helpers.js';

const context = useServer();
const { dirs, clients } = context;
let server: ProsodyServer;
beforeAll(() => {
  server = context.server;
});
// Every test signs its accounts in anew: a resource left online would take their messages.
afterEach(async () => {
  for (const client of clients.splice(0)) await client.stop();
});

/** Small pages, so a handful of messages spans several; archive times compared exactly. */
const CATCH_UP = { pageSize: 3, clockSkewMs: 0 };

async function pair(name: string): Promise<{ alice: Client; bob: Client; bobDir: string }> {
  const bobDir = dirs.make(`bob-${name}`);
  const alice = await startClient(server, ALICE, dirs.make(`alice-${name}`));
  const bob = await startClient(server, BOB, bobDir, { catchUp: CATCH_UP });
  clients.push(alice, bob);
  // An answered session first, as in a running conversation.
  const hello = await alice.engine.send(jidOf(server, BOB), 'hello');
  await waitFor(() => bob.received.some((m) => m.id === hello.id), 15_000, 'hello');
  const reply = await bob.engine.send(jidOf(server, ALICE), 'hello back');
  await waitFor(() => alice.received.some((m) => m.id === reply.id), 15_000, 'reply');
  await alice.engine.settle();
  await bob.engine.settle();
  return { alice, bob, bobDir };
}

/** Bob goes offline; the archive stores times in whole seconds, so what follows is in a later one. */
async function leave(bob: Client): Promise<void> {
  await bob.stop();
  await new Promise((r) => setTimeout(r, 1_100));
}

async function sendAll(alice: Client, texts: readonly string[], disappearingAt = -1): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, text] of texts.entries()) {
    const sent = await alice.engine.send(jidOf(server, BOB), text, undefined, i === disappearingAt ? { expireAfterSeconds: 3_600 } : undefined);
    ids.push(sent.id);
  }
  await alice.engine.waitUntilSent(ids.at(-1)!);
  return ids;
}

async function rejoin(bobDir: string, options: ClientOptions = {}): Promise<Client> {
  const bob = await startClient(server, BOB, bobDir, { catchUp: CATCH_UP, ...options });
  clients.push(bob);
  return bob;
}

/** Waits until `ids` arrived, then a little longer, so that late duplicates would show up too. */
async function receivedOnce(bob: Client, ids: readonly string[]): Promise<ReceivedMessage[]> {
  await waitFor(() => ids.every((id) => bob.received.some((m) => m.id === id)), 30_000, 'every message');
  await new Promise((r) => setTimeout(r, 1_000));
  await bob.engine.settle();
  const mine = bob.received.filter((m) => ids.includes(m.id));
  expect(mine.map((m) => m.id).sort()).toEqual([...ids].sort()); // nothing lost, nothing doubled
  expect(bob.engine.history(jidOf(server, ALICE), 100).filter((m) => ids.includes(m.id))).toHaveLength(ids.length);
  return mine;
}

describe('catch-up after an absence, against Prosody', () => {
  it('reads the archive before going available; a message kept out of the archive still arrives, once', async () => {
    const { alice, bob, bobDir } = await pair('absence');
    await leave(bob);
    const texts = Array.from({ length: 9 }, (_, i) => `while you were away ${i}`);
    const ids = await sendAll(alice, texts, 4); // the fifth disappears: no-permanent-store, offline storage only

    const again = await rejoin(bobDir);
    const mine = await receivedOnce(again, ids);
    const archived = ids.filter((_, i) => i !== 4);
    expect(mine.filter((m) => m.via === 'archive').map((m) => m.id)).toEqual(archived); // in the order sent
    expect(mine.find((m) => m.id === ids[4])).toMatchObject({ via: 'live', body: texts[4], expireAfterSeconds: 3_600 });
    // The count includes bob's own archived stanzas (his reply and receipt before he left).
    expect(again.log.filter((l) => l.startsWith('catch-up-before-presence'))).toHaveLength(1);
    expect(again.log).toContain('catch-up-done messages=0');
    await waitFor(() => ids.every((id) => alice.store.messages.get(id)?.state === 'delivered'), 15_000, 'receipts after sign-in');
  });

  it('signs in on a single stream when nothing arrived while away', async () => {
    const { bob, bobDir } = await pair('nothing-new');
    await leave(bob); // bob's receipt and reply are the newest items in his archive
    const again = await rejoin(bobDir);
    expect(again.log.some((l) => l.startsWith('catch-up-before-presence'))).toBe(false);
    expect(again.log.filter((l) => l.startsWith('catch-up-done'))).toHaveLength(1);
    expect(again.received).toHaveLength(0);
  });

  it('loses and doubles nothing when the server dies in the middle of the catch-up', async () => {
    const { alice, bob, bobDir } = await pair('server-dies');
    await leave(bob);
    const texts = Array.from({ length: 12 }, (_, i) => `before the crash ${i}`);
    const ids = await sendAll(alice, texts);

    // SIGKILL as soon as the first page is stored: the page in flight is lost, offline storage
    // (never pushed: no presence yet) and the archive survive on disk.
    let killed: Promise<void> | undefined;
    const onMessage = (m: ReceivedMessage): void => {
      if (killed || m.id !== ids[2]) return;
      killed = server.kill().then(() => new Promise((r) => setTimeout(r, 300))).then(() => server.restart());
    };
    const again = await rejoin(bobDir, { onMessage });
    await killed;
    const mine = await receivedOnce(again, ids);
    expect(mine.map((m) => m.id)).toEqual(ids); // in order: the catch-up goes on from its cursor
    expect(again.log.some((l) => l.startsWith('catch-up-failed'))).toBe(true);
    expect(again.log.some((l) => l.startsWith('catch-up-cursor-refused'))).toBe(false); // no restart by time
  }, 60_000);
});
