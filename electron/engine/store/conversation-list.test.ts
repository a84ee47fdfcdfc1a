import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import { newTestStore, tempDirs } from './test-support.js';

const dirs = tempDirs();
let store: Store;
let now = 500;
beforeEach(async () => {
  store = await newTestStore(dirs.make(), { now: () => now });
});
afterEach(() => {
  store.close();
  dirs.cleanup();
});

function say(conversationId: number, id: string, sentAt: number, direction: 'in' | 'out' = 'in'): void {
  store.messages.insert({ id, conversationId, direction, senderJid: 'x@example', body: id, sentAt, state: 'delivered', encryption: 'omemo:2' });
}

describe('conversation list', () => {
  it('lists conversations newest activity first, each with its last message and unread count', () => {
    now = 500;
    const juliet = store.conversations.open('juliet@capulet.example');
    const nurse = store.conversations.open('nurse@capulet.example');
    now = 600;
    const friar = store.conversations.open('friar@verona.example'); // no messages yet
    say(juliet.id, 'j1', 100);
    say(juliet.id, 'j2', 300);
    say(nurse.id, 'n1', 200);
    say(nurse.id, 'n2', 700, 'out');

    const list = store.conversationList();
    expect(list.map((s) => s.conversation.peerJid)).toEqual(['nurse@capulet.example', 'friar@verona.example', 'juliet@capulet.example']);
    expect(list[0]).toMatchObject({ lastMessage: { id: 'n2' }, unread: 1 });
    expect(list[1]).toMatchObject({ conversation: { id: friar.id }, unread: 0 });
    expect(list[1]!.lastMessage).toBeUndefined();
    expect(list[2]).toMatchObject({ lastMessage: { id: 'j2' }, unread: 2 });
  });

  it('returns the same conversation for the same peer and keeps its disappearing timer', () => {
    const a = store.conversations.open('juliet@capulet.example');
    store.conversations.setDisappearingTimer(a.id, 3600);
    expect(store.conversations.open('juliet@capulet.example')).toEqual({ ...a, disappearingSeconds: 3600 });
    store.conversations.setDisappearingTimer(a.id, undefined);
    expect(store.conversations.get(a.id)?.disappearingSeconds).toBeUndefined();
    expect(store.conversations.get(a.id)?.version).toBe(0);
  });

  it('deletes a conversation with its messages, search entries and outbox rows', () => {
    const a = store.conversations.open('juliet@capulet.example');
    say(a.id, 'j1', 100, 'out');
    store.outbox.enqueue('j1', new Uint8Array([9]), 1);
    expect(store.conversations.delete(a.id)).toBe(true);
    expect(store.messages.get('j1')).toBeUndefined();
    expect(store.outbox.list()).toEqual([]);
    expect(store.search('j1')).toEqual([]);
    expect(store.forgottenMessages.isForgotten({ messageId: 'j1' })).toBe(true);
    expect(store.conversationList()).toEqual([]);
  });
});
