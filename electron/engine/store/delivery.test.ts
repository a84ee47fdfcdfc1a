import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import { newTestStore, tempDirs } from './test-support.js';

const dirs = tempDirs();
let store: Store;
let conversationId: number;
beforeEach(async () => {
  store = await newTestStore(dirs.make());
  conversationId = store.conversations.open('juliet@capulet.example').id;
});
afterEach(() => {
  store.close();
  dirs.cleanup();
});

const outgoing = (id: string): void =>
  store.messages.insert({ id, conversationId, direction: 'out', senderJid: 'romeo@montague.example', body: id, sentAt: 1, state: 'pending', encryption: 'omemo:2' });

describe('outbox', () => {
  it('keeps the encrypted stanza until the server acknowledges it, retrying when due', () => {
    outgoing('m1');
    outgoing('m2');
    store.outbox.enqueue('m1', new Uint8Array([1]), 10);
    store.outbox.enqueue('m2', new Uint8Array([2]), 20);
    expect(store.outbox.due(15).map((e) => e.messageId)).toEqual(['m1']);
    store.outbox.recordAttempt('m1', 100);
    expect(store.outbox.due(50).map((e) => e.messageId)).toEqual(['m2']);
    expect(store.outbox.get('m1')).toMatchObject({ attempts: 1, nextAttemptAt: 100, payload: new Uint8Array([1]) });
    expect(store.outbox.acknowledge('m1')).toBe(true);
    expect(store.outbox.acknowledge('m1')).toBe(false);
    expect(store.outbox.list().map((e) => e.messageId)).toEqual(['m2']);
  });

  it('refuses an outbox entry for a message that does not exist', () => {
    expect(() => store.outbox.enqueue('ghost', new Uint8Array([1]), 1)).toThrow(/FOREIGN KEY/);
  });
});

describe('processed stanzas', () => {
  it('records each stanza id once per scope, so a repeat is recognised', () => {
    expect(store.processedStanzas.record('juliet@capulet.example', 'abc', 1)).toBe(true);
    expect(store.processedStanzas.record('juliet@capulet.example', 'abc', 2)).toBe(false);
    expect(store.processedStanzas.has('juliet@capulet.example', 'abc')).toBe(true);
    expect(store.processedStanzas.has('other@example', 'abc')).toBe(false);
    expect(store.processedStanzas.pruneBefore(2)).toBe(1);
    expect(store.processedStanzas.has('juliet@capulet.example', 'abc')).toBe(false);
  });
});
