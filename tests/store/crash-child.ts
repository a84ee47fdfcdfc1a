/**
 * Child process of crash.test.ts: opens the store and writes sends and receives (and, with
 * the counter session, acks) as fast as it can until the parent kills it with SIGKILL.
 * Usage: crash-child.ts <store dir> [<feed file>] — with a feed file it runs the real
 * OMEMO:2 ratchet and receives the peer's messages from the feed.
 */
import { readFileSync } from 'node:fs';
import { openStore, type Store } from '../../electron/engine/store/index.js';
import { testProtector } from '../../electron/engine/store/test-support.js';
import { decodeFeed, feedEntry, type Feed, PEER_DEVICES, ratchetSession } from './crash-ratchet-session.js';
import { counterSession, type CrashSession } from './crash-session.js';
import { acknowledgeOldest, PEER, receiveOne, sendOne } from './crash-workload.js';

const [dir, feedFile] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: crash-child.ts <store dir> [<feed file>]');

const store = await openStore({ dir, protector: testProtector() });
const conversationId = store.conversations.open(PEER.jid).id;
const feed = feedFile === undefined ? undefined : decodeFeed(readFileSync(feedFile, 'utf8'));
const session = feed === undefined ? counterSession : ratchetSession(() => feed);
// Archive catch-up after a restart re-delivers the last stanza: it must be skipped, not stored twice.
receiveOne(store, session, conversationId, Date.now(), true);
process.stdout.write('ready\n');

if (feed === undefined) counterSteps(store, session);
else ratchetSteps(store, session, feed);

function counterSteps(s: Store, counter: CrashSession): never {
  for (let step = 0; ; step++) {
    const at = Date.now();
    switch (step % 4) {
      case 0:
      case 2:
        sendOne(s, counter, conversationId, at);
        break;
      case 1:
        receiveOne(s, counter, conversationId, at);
        break;
      default:
        acknowledgeOldest(s);
    }
  }
}

/** Random bursts both ways, so the ratchet turns often; the parent acknowledges the outbox. */
function ratchetSteps(s: Store, ratchet: CrashSession, feed: Feed): never {
  for (;;) {
    const { received } = ratchet.progress(s);
    const canReceive = feedEntry(feed, received + 1) !== undefined;
    const canSend = received >= PEER_DEVICES.length; // both peer devices have started their sessions
    if (canReceive && (!canSend || Math.random() < 0.5)) receiveOne(s, ratchet, conversationId, Date.now());
    else if (canSend) sendOne(s, ratchet, conversationId, Date.now());
  }
}
