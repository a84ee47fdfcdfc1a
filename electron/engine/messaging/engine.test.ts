import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore, passphraseProtector, type Store } from '../store/index.js';
import { parseXml, xml } from '../xmpp/xml.js';
import { MessagingEngine } from './engine.js';
import type { ReceivedMessage } from './events.js';
import { MemoryNetwork, type MemoryTransport } from './memory-network.js';
import { defaultBackend } from '../crypto/backend/index.js';
import { encryptMessage } from '../protocol/index.js';
import { NODE_BUNDLES, parseBundle } from '../xmpp/omemo2-elements.js';
import { serializeEnvelope } from '../xmpp/sce.js';
import { protocolContext } from './own-device.js';
import { encryptedMessageStanza } from './stanzas.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';

interface Peer {
  engine: MessagingEngine;
  store: Store;
  transport: MemoryTransport;
  received: ReceivedMessage[];
  log: string[];
}

let dir: string;
let network: MemoryNetwork;
const peers: Peer[] = [];

async function peer(jid: string, name: string): Promise<Peer> {
  const store = await createStore({ dir: join(dir, name), protector: passphraseProtector('x', { N: 2 ** 4, r: 1, p: 1 }) });
  const transport = network.transport(jid);
  const log: string[] = [];
  const engine = new MessagingEngine({ store, transport, log: (l) => log.push(l), preKeyCount: 30 });
  const received: ReceivedMessage[] = [];
  engine.on('message', (m) => received.push(m));
  await engine.start();
  const p = { engine, store, transport, received, log };
  peers.push(p);
  return p;
}

const until = async (predicate: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!predicate()) throw new Error(`never: ${what}`);
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-engine-'));
  network = new MemoryNetwork();
});
afterEach(async () => {
  for (const p of peers.splice(0)) {
    await p.engine.stop();
    p.store.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('MessagingEngine on an in-memory network', () => {
  it('marks a message sent on the server ack and delivered on the receipt', async () => {
    const alice = await peer(ALICE, 'alice');
    const bob = await peer(BOB, 'bob');
    const states: string[] = [];
    alice.engine.on('delivery', (c) => states.push(c.state));
    const sent = await alice.engine.send(BOB, 'hello');
    await until(() => alice.store.messages.get(sent.id)?.state === 'delivered', 'delivered');
    expect(states).toEqual(['sent', 'delivered']);
    expect(bob.received).toMatchObject([{ id: sent.id, body: 'hello', from: ALICE, trusted: true }]);
  });

  it('answers a key exchange with an empty message, after which the sender stops repeating it', async () => {
    const alice = await peer(ALICE, 'alice');
    const bob = await peer(BOB, 'bob');
    await alice.engine.send(BOB, 'first');
    await until(() => bob.received.length === 1, 'first received');
    await until(() => network.messages.some((m) => m.attrs.from?.startsWith(BOB) && !m.getChild('encrypted')?.getChild('payload')), 'empty answer');
    await new Promise((r) => setTimeout(r, 20));
    await alice.engine.settle();
    await alice.engine.send(BOB, 'second');
    const toBob = network.messages.filter((m) => m.attrs.to === BOB && m.getChild('encrypted')?.getChild('payload'));
    const kexOf = (m: (typeof toBob)[number]) => m.getChild('encrypted')!.getChild('header')!.getChild('keys')!.getChild('key')!.attrs.kex;
    expect(toBob.map(kexOf)).toEqual(['true', undefined]);
  });

  it('drops a second copy of a message (same origin id) instead of showing it twice', async () => {
    const alice = await peer(ALICE, 'alice');
    const bob = await peer(BOB, 'bob');
    const sent = await alice.engine.send(BOB, 'once');
    await until(() => bob.received.length === 1, 'received');
    const original = network.messages.find((m) => m.attrs.id === sent.id)!;
    bob.transport.deliver(parseXml(original.toString()));
    await new Promise((r) => setTimeout(r, 20));
    await bob.engine.settle();
    expect(bob.received).toHaveLength(1);
    expect(bob.log.some((l) => l.startsWith('undecryptable'))).toBe(false);
  });

  it('drops a carbon that does not come from our own account', async () => {
    await peer(ALICE, 'alice');
    const bob = await peer(BOB, 'bob');
    const forged = xml('message', { from: 'mallory@example.test', to: BOB }, xml('sent', { xmlns: 'urn:xmpp:carbons:2' }, xml('forwarded', { xmlns: 'urn:xmpp:forward:0' }, xml('message', { from: BOB, to: ALICE }, xml('body', {}, 'fake')))));
    bob.transport.deliver(forged);
    await new Promise((r) => setTimeout(r, 20));
    await bob.engine.settle();
    expect(bob.received).toHaveLength(0);
    expect(bob.log).toContain('stanza-dropped reason=forged-carbon');
  });

  it('ignores a delivery receipt from anyone but the conversation peer', async () => {
    const alice = await peer(ALICE, 'alice');
    const bob = await peer(BOB, 'bob');
    await bob.engine.stop(); // no real receipt will come
    const sent = await alice.engine.send(BOB, 'hi');
    await until(() => alice.store.messages.get(sent.id)?.state === 'sent', 'sent');
    alice.transport.deliver(xml('message', { from: 'mallory@example.test/x', to: ALICE }, xml('received', { xmlns: 'urn:xmpp:receipts', id: sent.id })));
    await new Promise((r) => setTimeout(r, 20));
    await alice.engine.settle();
    expect(alice.store.messages.get(sent.id)?.state).toBe('sent');
  });

  it('republishes the bundle without the one-time pre-key a key exchange consumed', async () => {
    const alice = await peer(ALICE, 'alice');
    const bob = await peer(BOB, 'bob');
    const before = parseBundle(network.pepItem(BOB, NODE_BUNDLES, String(bob.engine.deviceId))!, bob.engine.deviceId);
    await alice.engine.send(BOB, 'uses a pre-key');
    await until(() => bob.received.length === 1, 'received');
    await until(() => parseBundle(network.pepItem(BOB, NODE_BUNDLES, String(bob.engine.deviceId))!, bob.engine.deviceId).preKeys.length === before.preKeys.length && network.pepItem(BOB, NODE_BUNDLES, String(bob.engine.deviceId))!.toString() !== before.toString(), 'republished');
    const after = parseBundle(network.pepItem(BOB, NODE_BUNDLES, String(bob.engine.deviceId))!, bob.engine.deviceId);
    const used = before.preKeys.filter((k) => !after.preKeys.some((a) => a.id === k.id));
    expect(used).toHaveLength(1);
    expect(after.preKeys).toHaveLength(before.preKeys.length);
  });

  it('signs in on a second start() after the first sign-in failed (the app retries so)', async () => {
    const store = await createStore({ dir: join(dir, 'retry'), protector: passphraseProtector('x', { N: 2 ** 4, r: 1, p: 1 }) });
    const transport = network.transport(ALICE);
    let refuse = true;
    const iq = transport.iq.bind(transport);
    transport.iq = (type, payload, options) => {
      if (refuse && type === 'set' && payload.getChild('publish')?.attrs.node === NODE_BUNDLES) return Promise.reject(new Error('refused'));
      return iq(type, payload, options);
    };
    const engine = new MessagingEngine({ store, transport, preKeyCount: 30 });
    const received: ReceivedMessage[] = [];
    engine.on('message', (m) => received.push(m));
    peers.push({ engine, store, transport, received, log: [] });
    await expect(engine.start()).rejects.toMatchObject({ code: 'publish-failed' });
    await engine.stop();
    refuse = false;
    await engine.start();
    expect(network.pepItem(ALICE, NODE_BUNDLES, String(engine.deviceId))).toBeDefined();
    const bob = await peer(BOB, 'bob');
    await bob.engine.send(ALICE, 'after the retry');
    await until(() => received.length === 1, 'received after the retry');
    expect(received[0]).toMatchObject({ body: 'after the retry', from: BOB });
  });

  it('keeps two accounts talking when both send the first message at once (crossed key exchanges)', async () => {
    const alice = await peer(ALICE, 'alice');
    const bob = await peer(BOB, 'bob');
    const undecryptable: string[] = [];
    alice.engine.on('undecryptable', (m) => undecryptable.push(m.reason));
    bob.engine.on('undecryptable', (m) => undecryptable.push(m.reason));
    await Promise.all([alice.engine.send(BOB, 'a1'), bob.engine.send(ALICE, 'b1')]);
    await until(() => alice.received.length === 1 && bob.received.length === 1, 'first messages');
    for (const round of [2, 3]) {
      await alice.engine.send(BOB, `a${round}`);
      await bob.engine.send(ALICE, `b${round}`);
      await until(() => alice.received.length === round && bob.received.length === round, `round ${round}`);
    }
    expect(bob.received.map((m) => m.body)).toEqual(['a1', 'a2', 'a3']);
    expect(alice.received.map((m) => m.body)).toEqual(['b1', 'b2', 'b3']);
    expect(undecryptable).toEqual([]);
  });

  it('records a message whose envelope names another recipient as undecryptable (affix-mismatch)', async () => {
    const alice = await peer(ALICE, 'alice');
    const bob = await peer(BOB, 'bob');
    await alice.engine.send(BOB, 'a session first');
    await until(() => bob.received.length === 1, 'first received');
    // Alice's device writes an envelope for carol but sends it to bob (a redirected stanza).
    const ctx = protocolContext(alice.store, defaultBackend(), Date.now);
    const envelope = serializeEnvelope({ content: [xml('body', { xmlns: 'jabber:client' }, 'meant for carol')], from: ALICE, to: 'carol@example.test' });
    const encrypted = alice.store.transaction(() => encryptMessage(ctx, envelope, [{ jid: BOB, deviceId: bob.engine.deviceId }]));
    const reasons: string[] = [];
    bob.engine.on('undecryptable', (m) => reasons.push(m.reason));
    await alice.transport.send(encryptedMessageStanza(BOB, 'redirected-1', encrypted, { receipt: false }));
    await until(() => reasons.length === 1, 'rejected');
    expect(reasons).toEqual(['affix-mismatch']);
    expect(bob.store.messages.get('redirected-1')).toMatchObject({ state: 'undecryptable', stateReason: 'affix-mismatch', body: undefined });
    expect(bob.received).toHaveLength(1);
  });
});
