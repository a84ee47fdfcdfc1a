import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from './message-row.js';
import type { Store } from './store.js';
import { newTestStore, tempDirs } from './test-support.js';

const dirs = tempDirs();
let store: Store;
const own = { jid: 'romeo@montague.example', deviceId: 1111, identitySeed: new Uint8Array(32).fill(1), identityPublic: new Uint8Array(32).fill(2) };
const juliet = { jid: 'juliet@capulet.example', deviceId: 4242 };

beforeEach(async () => {
  store = await newTestStore(dirs.make());
  store.account.save(own);
  store.preKeys.save({ id: 1, privateKey: new Uint8Array(32).fill(3), publicKey: new Uint8Array(32).fill(4) });
});
afterEach(() => {
  store.close();
  dirs.cleanup();
});

const queued = (conversationId: number): Message => ({
  id: 'queued',
  conversationId,
  direction: 'out',
  senderJid: own.jid,
  senderDevice: own.deviceId,
  body: 'typed before the first sign-in',
  sentAt: 5,
  state: 'pending',
  encryption: 'omemo:2',
});

describe('changing the id of this device', () => {
  it('gives an unused device the new id, with the messages and timer it queued', () => {
    const conversation = store.conversations.open(juliet.jid);
    store.messages.insert(queued(conversation.id));
    store.conversations.applyTimerSetting(conversation.id, { seconds: 60, version: 1, setBy: own.jid, setDevice: own.deviceId, setAt: 5 }, true);
    expect(store.deviceIdChange.isUsed()).toBe(false);
    expect(store.deviceIdChange.changeIfUnused(2222)).toBe(true);
    expect(store.account.get()).toEqual({ ...own, deviceId: 2222 });
    expect(store.messages.get('queued')?.senderDevice).toBe(2222);
    expect(store.conversations.get(conversation.id)?.timerSetDevice).toBe(2222);
  });

  it.each([
    ['a session', (s: Store) => s.sessions.save(juliet, new Uint8Array([1]), 5)],
    ['a consumed pre-key', (s: Store) => s.preKeys.markUsed(1, 5)],
    ['a received message', (s: Store) => s.messages.insert({ ...queued(s.conversations.open(juliet.jid).id), direction: 'in', senderJid: juliet.jid, senderDevice: juliet.deviceId, state: 'delivered' })],
  ])('keeps the id of a device with %s', (_, use) => {
    use(store);
    expect(store.deviceIdChange.isUsed()).toBe(true);
    expect(store.deviceIdChange.changeIfUnused(2222)).toBe(false);
    expect(store.account.get()?.deviceId).toBe(own.deviceId);
  });
});
