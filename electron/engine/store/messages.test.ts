import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from './message-row.js';
import type { Store } from './store.js';
import { newTestStore, tempDirs } from './test-support.js';

const dirs = tempDirs();
let store: Store;
let now = 1_000_000;
let conversationId: number;

beforeEach(async () => {
  now = 1_000_000;
  store = await newTestStore(dirs.make(), { now: () => now });
  conversationId = store.conversations.open('juliet@capulet.example').id;
});
afterEach(() => {
  store.close();
  dirs.cleanup();
});

const message = (id: string, sentAt: number, extra: Partial<Message> = {}): Message => ({
  id,
  conversationId,
  direction: 'in',
  senderJid: 'juliet@capulet.example',
  senderDevice: 31415,
  body: `body of ${id}`,
  sentAt,
  receivedAt: sentAt + 5,
  state: 'delivered',
  encryption: 'omemo:2',
  ...extra,
});

describe('messages', () => {
  it('stores and returns every field of a message', () => {
    const m = message('a', 10, { stanzaId: 'archive-1', stateReason: undefined, expiresAt: 99, displayedAt: undefined });
    store.messages.insert(m);
    expect(store.messages.get('a')).toEqual(m);
    expect(store.messages.findByStanzaId('archive-1')?.id).toBe('a');
  });

  it('records delivery state with a reason, and the stanza id once the server assigns it', () => {
    store.messages.insert(message('out-1', 10, { direction: 'out', state: 'pending', senderJid: 'romeo@montague.example' }));
    store.messages.setState('out-1', 'failed', 'service-unavailable');
    store.messages.setStanzaId('out-1', 'archive-9');
    expect(store.messages.get('out-1')).toMatchObject({ state: 'failed', stateReason: 'service-unavailable', stanzaId: 'archive-9' });
    store.messages.insert(message('in-bad', 11, { state: 'undecryptable', stateReason: 'no-session', body: undefined }));
    expect(store.messages.get('in-bad')).toMatchObject({ state: 'undecryptable', stateReason: 'no-session', body: undefined });
  });

  it('pages by (time, id) in both directions without gaps or repeats, ties included', () => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const id = `m${String(i).padStart(2, '0')}`;
      ids.push(id);
      store.messages.insert(message(id, 100 + Math.floor(i / 3))); // three messages share each timestamp
    }
    const newest = store.messages.page(conversationId, { limit: 10 });
    expect(newest.map((m) => m.id)).toEqual(ids.slice(15));

    const seen: string[] = [];
    let page = newest;
    while (page.length > 0) {
      seen.unshift(...page.map((m) => m.id));
      const first = page[0]!;
      page = store.messages.page(conversationId, { before: { sentAt: first.sentAt, id: first.id }, limit: 10 });
    }
    expect(seen).toEqual(ids);

    const forward: string[] = [];
    let cursor = { sentAt: 0, id: '' };
    for (;;) {
      const next = store.messages.page(conversationId, { after: cursor, limit: 7 });
      if (next.length === 0) break;
      forward.push(...next.map((m) => m.id));
      const last = next.at(-1)!;
      cursor = { sentAt: last.sentAt, id: last.id };
    }
    expect(forward).toEqual(ids);

    const between = store.messages.page(conversationId, { after: { sentAt: 101, id: 'm03' }, before: { sentAt: 103, id: 'm10' }, limit: 50 });
    expect(between.map((m) => m.id)).toEqual(['m04', 'm05', 'm06', 'm07', 'm08', 'm09']);
  });

  it('counts unread incoming messages and clears them up to the message the user saw', () => {
    store.messages.insert(message('a', 1));
    store.messages.insert(message('b', 2));
    store.messages.insert(message('mine', 3, { direction: 'out', senderJid: 'romeo@montague.example' }));
    store.messages.insert(message('c', 4));
    expect(store.messages.unreadCount(conversationId)).toBe(3);
    expect(store.messages.markDisplayed(conversationId, { sentAt: 2, id: 'b' }, 50)).toBe(2);
    expect(store.messages.unreadCount(conversationId)).toBe(1);
    expect(store.messages.get('a')?.displayedAt).toBe(50);
  });

  it('records the peer displaying an outgoing message', () => {
    store.messages.insert(message('mine', 3, { direction: 'out', senderJid: 'romeo@montague.example' }));
    store.messages.markDisplayedByPeer('mine', 77);
    expect(store.messages.get('mine')?.displayedAt).toBe(77);
  });

  it('hides messages past their expiry even before the sweep deletes them', () => {
    store.messages.insert(message('lasting', 1));
    store.messages.insert(message('fleeting', 2, { expiresAt: now + 10 }));
    expect(store.messages.page(conversationId, { limit: 10 })).toHaveLength(2);
    now += 11;
    expect(store.messages.page(conversationId, { limit: 10 }).map((m) => m.id)).toEqual(['lasting']);
    expect(store.messages.unreadCount(conversationId)).toBe(1);
  });

  it('expires due messages: gone with their outbox rows, remembered so the archive cannot restore them', () => {
    store.messages.insert(message('fleeting', 2, { expiresAt: now + 10, stanzaId: 'arch-2', direction: 'out' }));
    store.outbox.enqueue('fleeting', new Uint8Array([1, 2, 3]), now);
    store.messages.insert(message('lasting', 1));
    expect(store.messages.expire(now)).toEqual([]);
    expect(store.messages.expire(now + 10)).toEqual(['fleeting']);
    expect(store.messages.get('fleeting')).toBeUndefined();
    expect(store.outbox.get('fleeting')).toBeUndefined();
    expect(store.forgottenMessages.isForgotten({ stanzaId: 'arch-2' })).toBe(true);
    expect(store.forgottenMessages.isForgotten({ messageId: 'fleeting' })).toBe(true);
    expect(store.forgottenMessages.isForgotten({ messageId: 'lasting', stanzaId: 'other' })).toBe(false);
  });

  it('deletes a message for good and remembers its id', () => {
    store.messages.insert(message('a', 1, { stanzaId: 'arch-1' }));
    expect(store.messages.delete('a')).toBe(true);
    expect(store.messages.delete('a')).toBe(false);
    expect(store.messages.get('a')).toBeUndefined();
    expect(store.search('body')).toEqual([]);
    expect(store.forgottenMessages.isForgotten({ stanzaId: 'arch-1' })).toBe(true);
  });

  it('refuses two messages with the same id', () => {
    store.messages.insert(message('a', 1));
    expect(() => store.messages.insert(message('a', 2))).toThrow(/UNIQUE/);
  });
});
