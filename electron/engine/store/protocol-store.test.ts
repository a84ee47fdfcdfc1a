import { statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProtocolStore } from '../protocol/store.js';
import { storeFiles } from './files.js';
import type { Store } from './store.js';
import { newTestStore, tempDirs } from './test-support.js';

const dirs = tempDirs();
let store: Store;
let protocol: ProtocolStore;
let dir: string;
beforeEach(async () => {
  dir = dirs.make();
  store = await newTestStore(dir, { now: () => 1234 });
  protocol = store.protocol;
});
afterEach(() => {
  store.close();
  dirs.cleanup();
});

const bytes = (fill: number, length = 32): Uint8Array => new Uint8Array(length).fill(fill);
const bob = { jid: 'bob@example.org', deviceId: 4242 };

describe('the protocol core store on SQLite', () => {
  it('keeps the own identity', () => {
    expect(protocol.getOwnIdentity()).toBeUndefined();
    const identity = { jid: 'alice@example.org', deviceId: 77, identitySeed: bytes(1), identityPublic: bytes(2) };
    protocol.saveOwnIdentity(identity);
    expect(protocol.getOwnIdentity()).toEqual(identity);
  });

  it('keeps remote identity keys per device', () => {
    expect(protocol.getRemoteIdentity(bob)).toBeUndefined();
    protocol.saveRemoteIdentity(bob, bytes(3));
    expect(protocol.getRemoteIdentity(bob)).toEqual(bytes(3));
    expect(protocol.getRemoteIdentity({ ...bob, deviceId: 1 })).toBeUndefined();
  });

  it('keeps pre-keys, marks them used and deletes them', () => {
    protocol.savePreKey({ id: 1, privateKey: bytes(4), publicKey: bytes(5) });
    protocol.savePreKey({ id: 2, privateKey: bytes(6), publicKey: bytes(7) });
    protocol.markPreKeyUsed(1, 99);
    expect(protocol.getPreKey(1)).toEqual({ id: 1, privateKey: bytes(4), publicKey: bytes(5), usedAt: 99 });
    expect(protocol.listPreKeys().map((k) => k.id)).toEqual([1, 2]);
    protocol.deletePreKey(1);
    expect(protocol.getPreKey(1)).toBeUndefined();
    expect(store.preKeys.maxId()).toBe(2);
  });

  it('keeps signed pre-keys with their signature and retirement', () => {
    const spk = { id: 9, privateKey: bytes(8), publicKey: bytes(9), signature: bytes(10, 64), createdAt: 5 };
    protocol.saveSignedPreKey(spk);
    expect(protocol.getSignedPreKey(9)).toEqual({ ...spk, retiredAt: undefined });
    protocol.saveSignedPreKey({ ...spk, id: 10, createdAt: 6 });
    store.signedPreKeys.retire(9, 7);
    expect(store.signedPreKeys.current()?.id).toBe(10);
    expect(protocol.listSignedPreKeys().map((k) => [k.id, k.retiredAt])).toEqual([[9, 7], [10, undefined]]);
    expect(store.signedPreKeys.deleteRetiredBefore(8)).toBe(1);
    protocol.deleteSignedPreKey(10);
    expect(protocol.listSignedPreKeys()).toEqual([]);
  });

  it('returns exactly the session bytes it was given and lists session devices', () => {
    const record = Uint8Array.from({ length: 3000 }, (_, i) => i % 251);
    protocol.saveSession(bob, record);
    protocol.saveSession({ ...bob, deviceId: 7 }, bytes(1, 10));
    expect(protocol.loadSession(bob)).toEqual(record);
    expect(protocol.listSessionDevices(bob.jid)).toEqual([7, 4242]);
    protocol.deleteSession(bob);
    expect(protocol.loadSession(bob)).toBeUndefined();
    expect(protocol.listSessionDevices(bob.jid)).toEqual([7]);
  });

  it('checkpoints deleted pre-keys and sessions out of the WAL at once', () => {
    const wal = `${storeFiles(dir).database}-wal`;
    protocol.savePreKey({ id: 1, privateKey: bytes(4), publicKey: bytes(5) });
    protocol.saveSession(bob, bytes(1, 8));
    expect(statSync(wal).size).toBeGreaterThan(0);
    protocol.deletePreKey(1);
    expect(statSync(wal).size).toBe(0);
    protocol.saveSession(bob, bytes(2, 8));
    protocol.deleteSession(bob);
    expect(statSync(wal).size).toBe(0);
  });

  it('commits a ratchet step and the message it produced together, or neither', () => {
    const conversationId = store.conversations.open(bob.jid).id;
    protocol.saveSession(bob, bytes(1, 8));
    expect(() =>
      store.transaction(() => {
        protocol.saveSession(bob, bytes(2, 8));
        store.messages.insert({ id: 'm1', conversationId, direction: 'out', senderJid: 'alice@example.org', body: 'hi', sentAt: 1, state: 'pending', encryption: 'omemo:2' });
        throw new Error('send failed before commit');
      }),
    ).toThrow('send failed');
    expect(protocol.loadSession(bob)).toEqual(bytes(1, 8));
    expect(store.messages.get('m1')).toBeUndefined();

    const result = store.transaction(() => {
      protocol.saveSession(bob, bytes(2, 8));
      store.messages.insert({ id: 'm1', conversationId, direction: 'out', senderJid: 'alice@example.org', body: 'hi', sentAt: 1, state: 'pending', encryption: 'omemo:2' });
      store.outbox.enqueue('m1', bytes(3, 16), 1);
      return 'sent';
    });
    expect(result).toBe('sent');
    expect(protocol.loadSession(bob)).toEqual(bytes(2, 8));
    expect(store.outbox.get('m1')?.payload).toEqual(bytes(3, 16));
  });

  it('refuses an asynchronous transaction function', () => {
    expect(() => store.transaction(async () => undefined)).toThrow();
  });
});
