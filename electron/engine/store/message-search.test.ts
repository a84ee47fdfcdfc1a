import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toMatchExpression } from './message-search.js';
import type { Store } from './store.js';
import { newTestStore, tempDirs } from './test-support.js';

const dirs = tempDirs();
let store: Store;
let a: number;
let b: number;
beforeEach(async () => {
  store = await newTestStore(dirs.make());
  a = store.conversations.open('juliet@capulet.example').id;
  b = store.conversations.open('nurse@capulet.example').id;
  const say = (conversationId: number, id: string, sentAt: number, body: string | undefined): void =>
    store.messages.insert({ id, conversationId, direction: 'in', senderJid: 'x@example', body, sentAt, state: 'delivered', encryption: 'omemo:2' });
  say(a, 'a1', 1, 'Meet me at the orchard tonight');
  say(a, 'a2', 2, 'The orchard walls are high and hard to climb');
  say(b, 'b1', 3, 'Your lady mother is coming to the orchard');
  say(b, 'b2', 4, 'Café crème at dawn');
  say(b, 'b3', 5, undefined);
});
afterEach(() => {
  store.close();
  dirs.cleanup();
});

describe('full-text search', () => {
  it('finds messages containing all the words, newest first', () => {
    expect(store.search('orchard').map((m) => m.id)).toEqual(['b1', 'a2', 'a1']);
    expect(store.search('orchard walls').map((m) => m.id)).toEqual(['a2']);
  });

  it('limits the search to one conversation when asked', () => {
    expect(store.search('orchard', { conversationId: a }).map((m) => m.id)).toEqual(['a2', 'a1']);
  });

  it('matches the last word as a prefix, ignoring case and accents', () => {
    expect(store.search('ORCH').map((m) => m.id)).toEqual(['b1', 'a2', 'a1']);
    expect(store.search('cafe creme').map((m) => m.id)).toEqual(['b2']);
  });

  it('searches FTS syntax typed by the user literally instead of failing', () => {
    expect(() => store.search('orchard AND NOT "walls OR body:')).not.toThrow();
    expect(store.search('"')).toEqual([]);
    expect(store.search('   ')).toEqual([]);
    expect(toMatchExpression('say "hi"')).toBe('"say" """hi"""*');
  });

  it('forgets a deleted message at once', () => {
    store.messages.delete('a1');
    expect(store.search('tonight')).toEqual([]);
    expect(store.search('orchard').map((m) => m.id)).toEqual(['b1', 'a2']);
  });
});
