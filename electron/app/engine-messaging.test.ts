import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryNetwork } from '../engine/messaging/memory-network.js';
import { DEVICE_LIST_ITEM_ID, NODE_BUNDLES, NODE_DEVICES } from '../engine/xmpp/omemo2-elements.js';
import type { EventName } from '../../shared/channels.js';
import { createDispatcher } from '../ipc/dispatcher.js';
import { engineMessaging } from './engine-messaging.js';
import { createEngineService } from './engine-service.js';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type Seen = { event: EventName; payload: unknown }[];

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** One user's app service on the in-memory network, set up and signed in. */
async function user(network: MemoryNetwork, name: string) {
  const dataDir = mkdtempSync(join(tmpdir(), `parley-app-${name}-`));
  dirs.push(dataDir);
  const messaging = engineMessaging({ transport: (account) => network.transport(account.jid), preKeyCount: 5 });
  const engine = createEngineService({ dataDir, scrypt: FAST, messaging });
  closers.push(() => engine.close());
  const seen: Seen = [];
  engine.subscribe((event, payload) => seen.push({ event, payload }));
  const dispatch = createDispatcher({ engine, host: { openExternal: async () => undefined } });
  const jid = `${name}@example.org`;
  const setup = await dispatch('setup', { mode: 'sign-in', jid, password: `${name}-server-pw`, protector: 'passphrase', passphrase: `${name} local passphrase` });
  expect(setup.ok).toBe(true);
  await until(() => seen.some((s) => s.event === 'connection' && (s.payload as { state: string }).state === 'online'), `${name} online`);
  await until(() => network.pepItem(jid, NODE_DEVICES, DEVICE_LIST_ITEM_ID) !== undefined, `${name}'s device published`);
  const call = async <T>(method: Parameters<typeof dispatch>[0], payload: object): Promise<T> => {
    const result = await dispatch(method, payload);
    if (!result.ok) throw new Error(`${method}: ${result.error.code}`);
    return result.value as T;
  };
  return { jid, seen, call, dispatch };
}

const newMessages = (seen: Seen) => seen.filter((s) => s.event === 'messageNew').map((s) => s.payload as { id: string; body?: string });
const newDevices = (seen: Seen) => seen.filter((s) => s.event === 'devicesChanged').flatMap((s) => (s.payload as { added: number[] }).added);
const states = (seen: Seen, id: string) => seen.filter((s) => s.event === 'messageState' && (s.payload as { id: string }).id === id).map((s) => (s.payload as { state: string }).state);

describe('the app service on the messaging engine', () => {
  it('sends under the client id, and the peer receives it and confirms delivery', async () => {
    const network = new MemoryNetwork();
    const alice = await user(network, 'alice');
    const bob = await user(network, 'bob');
    const chat = await alice.call<{ id: number }>('openConversation', { peerJid: bob.jid });
    const id = '6f1c2a9e-5b8d-4c1e-9f3a-2d7e8b4a1c00';
    const sent = await alice.call<{ id: string; state: string }>('sendMessage', { conversationId: chat.id, body: 'hello bob', id });
    expect(sent).toMatchObject({ id, state: expect.stringMatching(/pending|sent/) });
    await until(() => newMessages(bob.seen).some((m) => m.body === 'hello bob'), 'bob receives');
    await until(() => states(alice.seen, id).includes('delivered'), 'delivered');
  });

  it('keeps a message it cannot encrypt as failed, and a retry sends it under the same id', async () => {
    const network = new MemoryNetwork();
    const alice = await user(network, 'alice');
    const chat = await alice.call<{ id: number }>('openConversation', { peerJid: 'carol@example.org' });
    const failed = await alice.call<{ id: string; state: string; reason?: string }>('sendMessage', { conversationId: chat.id, body: 'are you there?' });
    expect(failed).toMatchObject({ state: 'failed', reason: 'no-trusted-devices' });

    const carol = await user(network, 'carol');
    const retried = await alice.call<{ id: string; state: string }>('retryMessage', { messageId: failed.id });
    expect(retried.id).toBe(failed.id);
    expect(retried.state).not.toBe('failed');
    await until(() => newMessages(carol.seen).some((m) => m.body === 'are you there?'), 'carol receives the retry');
    const page = await alice.call<{ messages: { id: string }[] }>('loadMessages', { conversationId: chat.id, limit: 10 });
    expect(page.messages.map((m) => m.id)).toEqual([failed.id]);
  });

  it('verifies a contact’s device through the engine, so its trust rules apply', async () => {
    const network = new MemoryNetwork();
    const alice = await user(network, 'alice');
    const bob = await user(network, 'bob');
    const chat = await alice.call<{ id: number }>('openConversation', { peerJid: bob.jid });
    await alice.call('sendMessage', { conversationId: chat.id, body: 'hi' });
    const [device] = await alice.call<{ deviceId: number; fingerprint?: string; trust: string }[]>('listDevices', { jid: bob.jid });
    const bobIdentity = await bob.call<{ fingerprint: string }>('getOwnIdentity', {});
    expect(device!.fingerprint).toBe(bobIdentity.fingerprint);
    const verified = await alice.call<{ trust: string }>('setDeviceTrust', { jid: bob.jid, deviceId: device!.deviceId, trust: 'verified' });
    expect(verified.trust).toBe('verified');
    expect(alice.seen.some((s) => s.event === 'devicesChanged' && (s.payload as { jid: string }).jid === bob.jid)).toBe(true);
  });

  it('removes another device of the account through the engine, and maps its refusals to contract codes', async () => {
    const network = new MemoryNetwork();
    const alice = await user(network, 'alice');
    const laptop = await user(network, 'alice');
    const { deviceId: ownId } = await alice.call<{ deviceId: number }>('getOwnIdentity', {});
    const { deviceId: laptopId } = await laptop.call<{ deviceId: number }>('getOwnIdentity', {});
    await until(() => newDevices(alice.seen).includes(laptopId), 'alice learns of her laptop');
    await laptop.call('lock', {}); // offline: online, it would list itself again at once

    const devices = await alice.call<{ deviceId: number; active: boolean; own: boolean }[]>('removeOwnDevice', { deviceId: laptopId });
    expect(devices.find((d) => d.deviceId === laptopId)?.active).toBe(false);
    expect(devices.find((d) => d.own)?.deviceId).toBe(ownId);
    const published = network.pepItem(alice.jid, NODE_DEVICES, DEVICE_LIST_ITEM_ID)!;
    expect(published.getChildren('device').map((d) => Number(d.attrs.id))).toEqual([ownId]);
    expect(network.pepItem(alice.jid, NODE_BUNDLES, String(laptopId))).toBeUndefined();
    expect(network.pepItem(alice.jid, NODE_BUNDLES, String(ownId))).toBeDefined();

    expect(await alice.dispatch('removeOwnDevice', { deviceId: ownId })).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(await alice.dispatch('removeOwnDevice', { deviceId: laptopId })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    for (const hostile of [{ deviceId: 0 }, { deviceId: '1' }, { deviceId: 2 ** 31 }, { deviceId: 1.5 }, { deviceId: 1, jid: alice.jid }, {}, null]) {
      expect(await alice.dispatch('removeOwnDevice', hostile)).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    }
  });
});
