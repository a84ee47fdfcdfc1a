/**
 * Live messaging between two online accounts through Prosody: OMEMO:2 through the engine,
 * and plaintext `<message><body>` over the same streams as the baseline.
 *
 * Both engines run in this one Node thread (and share the machine with Prosody), so a
 * message's cost on the sender and on the receiver add up instead of overlapping as they
 * would on two machines; that holds for both kinds, so the comparison stays like for like.
 */
import { randomUUID } from 'node:crypto';
import { xml } from '../electron/engine/xmpp/xml.js';
import { waitUntil, storedEvent, type BenchClient } from './xmpp-clients.js';

/** Same length for both kinds, about a chat line. */
const text = (i: number): string => `bench message ${i} `.padEnd(100, '.');

export interface MessageKind {
  readonly name: 'omemo' | 'plain';
  /** Hands one message to the sender side and returns the id the receiver will store it under. */
  send(sender: BenchClient, receiver: BenchClient, i: number): Promise<string>;
}

/**
 * OMEMO:2 through the engine: encrypt for the peer's devices (and our other ones), store
 * message + ratchet step + outbox row in one transaction, write the stanza. The receiver
 * decrypts, checks the SCE envelope and stores message + ratchet step in one transaction,
 * then answers with a XEP-0184 receipt (which the sender processes in the background).
 */
export const omemo: MessageKind = {
  name: 'omemo',
  send: async (sender, receiver, i) => (await sender.engine.send(receiver.jid, text(i))).id,
};

/**
 * Plaintext: a bare `<message type='chat'><body>` written to the sender's stream (nothing
 * stored on the sender side, no receipt requested). The receiving engine stores it in one
 * transaction (message row + dedup record) like any unencrypted message.
 */
export const plain: MessageKind = {
  name: 'plain',
  async send(sender, receiver, i) {
    const id = randomUUID();
    await sender.transport.send(xml('message', { to: receiver.jid, id, type: 'chat' }, xml('body', {}, text(i))));
    return id;
  },
};

/** Send → stored at the receiver, one message at a time; returns each latency in ms. */
export async function latencies(kind: MessageKind, sender: BenchClient, receiver: BenchClient, count: number, offset: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const id = await kind.send(sender, receiver, offset + i);
    out.push((await storedEvent(receiver, id, 15_000)) - t0);
  }
  await quiesce(sender, receiver);
  return out;
}

export interface Burst {
  /** Messages per second from the first send until the last one was stored at the receiver. */
  readonly msgsPerSecond: number;
  /** Messages per second the sender side accepted (its own rate, for the report). */
  readonly acceptedPerSecond: number;
}

/** `count` messages sent back to back, each as soon as the previous send resolved. */
export async function burst(kind: MessageKind, sender: BenchClient, receiver: BenchClient, count: number, offset: number): Promise<Burst> {
  const ids: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) ids.push(await kind.send(sender, receiver, offset + i));
  const accepted = performance.now();
  await waitUntil(() => ids.every((id) => receiver.storedAt.has(id)), 90_000, `${count} ${kind.name} messages stored`);
  const last = Math.max(...ids.map((id) => receiver.storedAt.get(id)!));
  await quiesce(sender, receiver);
  return { msgsPerSecond: (count / (last - t0)) * 1000, acceptedPerSecond: (count / (accepted - t0)) * 1000 };
}

/** Lets receipts and acks of the last phase drain so they do not bleed into the next. */
async function quiesce(sender: BenchClient, receiver: BenchClient): Promise<void> {
  await receiver.engine.settle();
  await new Promise((r) => setTimeout(r, 200));
  await sender.engine.settle();
  await waitUntil(() => sender.store.outbox.list().length === 0, 30_000, 'the outbox to drain');
}

/** p-th percentile (0–100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}
