/**
 * What the crash child does, and the invariant the parent checks after every kill. Each step
 * is one transaction, as the messaging layer will do it: the session advance and the message
 * it produced or consumed (plus its outbox or dedup row) commit together or not at all.
 */
import type { Store } from '../../electron/engine/store/index.js';
import type { CrashSession } from './crash-session.js';

export const PEER = { jid: 'juliet@capulet.example', deviceId: 1001 };
export const OWN = { jid: 'romeo@montague.example', deviceId: 2001 };
const ARCHIVE = 'romeo@montague.example';

export const incomingStanzaId = (counter: number): string => `stanza-${counter}`;
export const outgoingMessageId = (counter: number): string => `out-${counter}`;
export const incomingBody = (counter: number): string => `incoming ${counter}`;
export const outgoingBody = (counter: number): string => `outgoing ${counter}`;

export function sendOne(store: Store, session: CrashSession, conversationId: number, at: number): void {
  store.transaction(() => {
    const counter = session.progress(store).sent + 1;
    const id = outgoingMessageId(counter);
    const body = outgoingBody(counter);
    const payload = session.encrypt(store, counter, body);
    store.messages.insert({ id, conversationId, direction: 'out', senderJid: OWN.jid, body, sentAt: at, state: 'pending', encryption: 'omemo:2' });
    store.outbox.enqueue(id, payload, at);
  });
}

/**
 * Receives the next message; a stanza already processed (archive re-delivery) is skipped
 * before it reaches the session (decrypting it again would fail: its key is gone).
 */
export function receiveOne(store: Store, session: CrashSession, conversationId: number, at: number, replay = false): void {
  store.transaction(() => {
    const { received } = session.progress(store);
    if (replay && received === 0) return;
    const counter = replay ? received : received + 1;
    const stanzaId = incomingStanzaId(counter);
    if (!store.processedStanzas.record(ARCHIVE, stanzaId, at)) return;
    const { body, senderDevice } = session.decrypt(store, counter);
    store.messages.insert({
      id: `in-${counter}`, stanzaId, conversationId, direction: 'in', senderJid: PEER.jid, senderDevice,
      body, sentAt: at, receivedAt: at, state: 'delivered', encryption: 'omemo:2',
    });
  });
}

export function acknowledgeOldest(store: Store): void {
  store.transaction(() => {
    const [oldest] = store.outbox.due(Number.MAX_SAFE_INTEGER, 1);
    if (oldest === undefined) return;
    store.outbox.acknowledge(oldest.messageId);
    store.messages.setState(oldest.messageId, 'sent');
  });
}

/** Returns the broken rules ([] when the store is consistent) and how far the session got. */
export function checkInvariant(store: Store, session: CrashSession): { problems: string[]; sent: number; received: number } {
  const problems: string[] = [];
  const { sent, received } = session.progress(store);
  const conversation = store.conversations.findByPeer(PEER.jid);
  const all = conversation ? collect(store, conversation.id) : [];
  const outgoing = all.filter((m) => m.direction === 'out');
  const incoming = all.filter((m) => m.direction === 'in');
  const expect = (what: string, ok: boolean): void => {
    if (!ok) problems.push(what);
  };
  expect(`outgoing messages are exactly 1..${sent}`, sameIds(outgoing.map((m) => m.id), range(sent).map((n) => `out-${n}`)));
  expect(`incoming messages are exactly 1..${received}`, sameIds(incoming.map((m) => m.id), range(received).map((n) => `in-${n}`)));
  for (const m of all) {
    const counter = Number(m.id.split('-')[1]);
    const body = m.direction === 'out' ? outgoingBody(counter) : incomingBody(counter);
    expect(`message ${m.id} carries its own body`, m.body === body);
  }
  for (const n of range(received)) expect(`stanza ${n} recorded as processed`, store.processedStanzas.has(ARCHIVE, incomingStanzaId(n)));
  expect(`no processed stanza beyond ${received}`, !store.processedStanzas.has(ARCHIVE, incomingStanzaId(received + 1)));
  const queued = new Set(store.outbox.list().map((e) => e.messageId));
  for (const m of outgoing) {
    expect(`${m.id}: in the outbox exactly while pending`, queued.has(m.id) === (m.state === 'pending'));
  }
  expect('no outbox entry without its message', [...queued].every((id) => outgoing.some((m) => m.id === id)));
  return { problems, sent, received };
}

function collect(store: Store, conversationId: number) {
  const out = [];
  let after = { sentAt: -1, id: '' };
  for (;;) {
    const page = store.messages.page(conversationId, { after, limit: 500 });
    if (page.length === 0) return out;
    out.push(...page);
    const last = page.at(-1)!;
    after = { sentAt: last.sentAt, id: last.id };
  }
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
const sameIds = (a: string[], b: string[]): boolean => a.length === b.length && [...a].sort().join() === [...b].sort().join();
