/**
 * Child process of crash.test.ts: opens the store and writes sends, receives and acks as
 * fast as it can until the parent kills it with SIGKILL. Usage: crash-child.ts <store dir>
 */
import { openStore } from '../../electron/engine/store/index.js';
import { testProtector } from '../../electron/engine/store/test-support.js';
import { counterSession } from './crash-session.js';
import { acknowledgeOldest, PEER, receiveOne, sendOne } from './crash-workload.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: crash-child.ts <store dir>');

const store = await openStore({ dir, protector: testProtector() });
const conversationId = store.conversations.open(PEER.jid).id;
// Archive catch-up after a restart re-delivers the last stanza: it must be skipped, not stored twice.
receiveOne(store, counterSession, conversationId, Date.now(), true);
process.stdout.write('ready\n');

for (let step = 0; ; step++) {
  const at = Date.now();
  switch (step % 4) {
    case 0:
    case 2:
      sendOne(store, counterSession, conversationId, at);
      break;
    case 1:
      receiveOne(store, counterSession, conversationId, at);
      break;
    default:
      acknowledgeOldest(store);
  }
}
