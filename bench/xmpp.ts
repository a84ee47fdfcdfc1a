/**
 * Messaging-engine figures through a real, throwaway Prosody (issue: benchmarks of the
 * messaging engine). Two local accounts exchange OMEMO:2 messages through the engine and,
 * as the baseline, plaintext `<message><body>` over the same streams (see xmpp-live.ts for
 * exactly what each kind includes); a second pair measures archive catch-up.
 *
 * - xmpp_latency_p50/p99_ms, xmpp_plain_latency_p50/p99_ms: one message at a time, from the
 *   sender handing it over until the receiving engine emitted it as stored. The two kinds
 *   alternate in blocks so that load from other processes hits both alike.
 * - xmpp_msgs_per_s, xmpp_plain_msgs_per_s: a burst sent back to back, from the first send
 *   until the last message was stored at the receiver.
 * - catchup_5000_s: see xmpp-catchup.ts; the receiver's sign-in until the 5,000th message
 *   is stored. catchup_5000_ready_s: until its sign-in has finished (start() resolved:
 *   available again, the held-back receipts and the outbox sent).
 */
import { startProsody, type ProsodyAccount } from '../scripts/prosody/launcher.js';
import { median, progress, round } from './util.js';
import { catchUp } from './xmpp-catchup.js';
import { clientFactory } from './xmpp-clients.js';
import { burst, latencies, omemo, percentile, plain } from './xmpp-live.js';

const LATENCY_MESSAGES = 500;
const LATENCY_BLOCK = 100;
const WARMUP_MESSAGES = 20;
const BURST_MESSAGES = 2_000;
const CATCH_UP_MESSAGES = 5_000;

const account = (user: string): ProsodyAccount => ({ user, password: `${user}-bench-Secret` });
const ALICE = account('alice');
const BOB = account('bob');
const CAROL = account('carol');
const DAVE = account('dave');

export async function xmppFigures(): Promise<Record<string, number>> {
  progress('xmpp: starting Prosody');
  const server = await startProsody({ accounts: [ALICE, BOB, CAROL, DAVE], logLevel: 'warn' });
  const clients = clientFactory(server);
  try {
    const alice = await clients.open(ALICE);
    const bob = await clients.open(BOB);

    progress(`xmpp: warm-up (${WARMUP_MESSAGES} messages each way, session set up)`);
    await latencies(omemo, alice, bob, WARMUP_MESSAGES, 0);
    await latencies(omemo, bob, alice, WARMUP_MESSAGES, 0);
    await latencies(plain, alice, bob, WARMUP_MESSAGES, 0);

    progress(`xmpp: latency, ${LATENCY_MESSAGES} OMEMO:2 and ${LATENCY_MESSAGES} plaintext messages one at a time`);
    const omemoTimes: number[] = [];
    const plainTimes: number[] = [];
    for (let sent = 0; sent < LATENCY_MESSAGES; sent += LATENCY_BLOCK) {
      omemoTimes.push(...(await latencies(omemo, alice, bob, LATENCY_BLOCK, sent)));
      plainTimes.push(...(await latencies(plain, alice, bob, LATENCY_BLOCK, sent)));
    }

    progress(`xmpp: throughput, ${BURST_MESSAGES} plaintext messages back to back`);
    const plainBurst = await burst(plain, alice, bob, BURST_MESSAGES, 0);
    progress(`xmpp: plaintext sender accepted ${round(plainBurst.acceptedPerSecond, 0)}/s`);
    progress(`xmpp: throughput, ${BURST_MESSAGES} OMEMO:2 messages back to back`);
    const omemoBurst = await burst(omemo, alice, bob, BURST_MESSAGES, 0);
    progress(`xmpp: OMEMO:2 sender accepted ${round(omemoBurst.acceptedPerSecond, 0)}/s`);

    const carol = await clients.open(CAROL);
    const dave = await clients.open(DAVE);
    const caughtUp = await catchUp(carol, dave, CATCH_UP_MESSAGES);
    const signIn = caughtUp.startMs === undefined ? 'was still paging the archive, cut off' : `resolved after ${round(caughtUp.startMs / 1000, 2)} s`;
    progress(`xmpp: catch-up: start() ${signIn}; ${caughtUp.viaArchive} stored from the archive, ${caughtUp.viaLive} from the offline flood`);
    progress(`xmpp: latency medians omemo ${round(median(omemoTimes), 2)} ms, plain ${round(median(plainTimes), 2)} ms`);

    return {
      xmpp_latency_p50_ms: round(percentile(omemoTimes, 50), 2),
      xmpp_latency_p99_ms: round(percentile(omemoTimes, 99), 2),
      xmpp_msgs_per_s: round(omemoBurst.msgsPerSecond, 0),
      xmpp_plain_latency_p50_ms: round(percentile(plainTimes, 50), 2),
      xmpp_plain_latency_p99_ms: round(percentile(plainTimes, 99), 2),
      xmpp_plain_msgs_per_s: round(plainBurst.msgsPerSecond, 0),
      catchup_5000_s: round(caughtUp.storedMs / 1000, 2),
      ...(caughtUp.startMs !== undefined && { catchup_5000_ready_s: round(caughtUp.startMs / 1000, 2) }),
    };
  } finally {
    await clients.cleanup().catch(() => undefined);
    await server.stop();
  }
}
