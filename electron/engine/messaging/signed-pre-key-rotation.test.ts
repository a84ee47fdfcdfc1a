import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Element } from '@xmpp/xml';
import { defaultBackend } from '../crypto/backend/index.js';
import { CryptoError } from '../crypto/errors.js';
import { SIGNED_PRE_KEY_ROTATION_PERIOD_MS } from '../crypto/limits.js';
import { buildSession, decryptMessage, encryptMessage, getOwnBundle, type DeviceAddress, type ProtocolContext, type ProtocolStore } from '../protocol/index.js';
import { keyFor, newDevice, START_TIME, utf8, type TestDevice } from '../protocol/test-support.js';
import type { Store } from '../store/index.js';
import { newTestStore, tempDirs } from '../store/test-support.js';
import { NODE_BUNDLES, parseBundle } from '../xmpp/omemo2-elements.js';
import { MessagingEngine } from './engine.js';
import { MemoryNetwork } from './memory-network.js';
import { ensureOwnDevice, protocolContext } from './own-device.js';
import { SignedPreKeyRotation, type SignedPreKeyRotationOptions } from './signed-pre-key-rotation.js';

const OWN_JID = 'alice@example.test';
const DAY = 24 * 60 * 60 * 1000;
const WEEK = SIGNED_PRE_KEY_ROTATION_PERIOD_MS;

const dirs = tempDirs();
const stores: Store[] = [];
let clock: { now: number };

async function openStore(): Promise<Store> {
  const store = await newTestStore(dirs.make());
  stores.push(store);
  return store;
}

/** Our device on a real (encrypted SQLite) store, created at START_TIME, and its rotation. */
async function ownDevice(options?: SignedPreKeyRotationOptions, protocolStore?: (real: ProtocolStore) => ProtocolStore) {
  const store = await openStore();
  const real = protocolContext(store, defaultBackend(), () => clock.now);
  ensureOwnDevice(real, store, OWN_JID);
  const ctx: ProtocolContext = protocolStore ? { ...real, store: protocolStore(real.store) } : real;
  const log: string[] = [];
  const rotation = new SignedPreKeyRotation({ protocol: ctx, transaction: (fn) => store.transaction(fn), log: (line) => log.push(line) }, options);
  const address: DeviceAddress = { jid: OWN_JID, deviceId: store.account.get()!.deviceId };
  return { store, ctx: real, rotation, log, address };
}

const spkIds = (ctx: ProtocolContext): number[] => ctx.store.listSignedPreKeys().map((k) => k.id).sort((a, b) => a - b);

/** A peer that has fetched our bundle now and starts a session from it (its key exchange names today's signed pre-key). */
function peerWithSessionTo(own: { ctx: ProtocolContext; address: DeviceAddress }): TestDevice {
  const peer = newDevice('peer@example.test');
  buildSession(peer.ctx, own.address, getOwnBundle(own.ctx));
  return peer;
}

function firstMessage(peer: TestDevice, own: { ctx: ProtocolContext; address: DeviceAddress }): () => string {
  const message = encryptMessage(peer.ctx, utf8('hello'), [own.address]);
  return () => new TextDecoder().decode(decryptMessage(own.ctx, message.sender, keyFor(message, own.address), message.payload).envelope!);
}

beforeEach(() => {
  clock = { now: START_TIME };
});
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  dirs.cleanup();
});

describe('SignedPreKeyRotation', () => {
  it('keeps the signed pre-key while it is younger than the rotation period', async () => {
    const own = await ownDevice();
    clock.now += WEEK - 1;
    expect(own.rotation.upkeep()).toBe(false);
    expect(spkIds(own.ctx)).toEqual([1]);
    expect(own.log).toEqual([]);
  });

  it('rotates a signed pre-key that reached the rotation period; a key exchange naming the old one still works during the grace period', async () => {
    const own = await ownDevice();
    const peer = peerWithSessionTo(own);
    clock.now += WEEK;
    expect(own.rotation.upkeep()).toBe(true);
    expect(getOwnBundle(own.ctx).signedPreKey.id).toBe(2);
    expect(own.ctx.store.getSignedPreKey(1)?.retiredAt).toBe(clock.now);
    expect(own.log).toEqual(['signed-pre-key-rotated id=2 pruned=0']);
    clock.now += WEEK - 1; // the last moment of the grace period
    expect(own.rotation.upkeep()).toBe(false);
    expect(spkIds(own.ctx)).toEqual([1, 2]);
    expect(firstMessage(peer, own)()).toBe('hello');
  });

  it('deletes a retired signed pre-key after the grace period without rotating; a key exchange naming it fails with unknown-signed-pre-key', async () => {
    const own = await ownDevice({ gracePeriodMs: DAY });
    const peer = peerWithSessionTo(own);
    clock.now += WEEK;
    own.rotation.upkeep();
    const decrypt = firstMessage(peer, own);
    clock.now += DAY - 1;
    expect(own.rotation.upkeep()).toBe(false);
    expect(spkIds(own.ctx)).toEqual([1, 2]);
    clock.now += 1;
    expect(own.rotation.upkeep()).toBe(false);
    expect(spkIds(own.ctx)).toEqual([2]);
    expect(own.log).toEqual(['signed-pre-key-rotated id=2 pruned=0', 'signed-pre-key-pruned count=1']);
    expect(decrypt).toThrow(expect.objectContaining({ name: 'CryptoError', code: 'unknown-signed-pre-key' }) as CryptoError);
  });

  it('rolls a failed rotation back, logs only a reason, and retries on the next call', async () => {
    let failRetire = true;
    const own = await ownDevice({}, (real) =>
      new Proxy(real, {
        get(target, name, receiver) {
          if (name !== 'saveSignedPreKey') return Reflect.get(target, name, receiver) as unknown;
          return (key: Parameters<ProtocolStore['saveSignedPreKey']>[0]) => {
            // The new key is saved first; failing on the old key's retirement must undo that save.
            if (failRetire && key.retiredAt !== undefined) throw new Error('disk full');
            target.saveSignedPreKey(key);
          };
        },
      }),
    );
    clock.now += WEEK;
    expect(own.rotation.upkeep()).toBe(false);
    expect(own.ctx.store.listSignedPreKeys()).toMatchObject([{ id: 1, retiredAt: undefined }]);
    expect(own.log).toEqual(['signed-pre-key-rotation-failed reason=internal-error']);
    failRetire = false;
    expect(own.rotation.upkeep()).toBe(true);
    expect(spkIds(own.ctx)).toEqual([1, 2]);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a rotation period of %s ms', async (rotationPeriodMs) => {
    await expect(ownDevice({ rotationPeriodMs })).rejects.toThrow(RangeError);
  });

  it('refuses a negative grace period and accepts none at all', async () => {
    await expect(ownDevice({ gracePeriodMs: -1 })).rejects.toThrow(RangeError);
    const own = await ownDevice({ gracePeriodMs: 0 });
    clock.now += WEEK;
    own.rotation.upkeep();
    expect(spkIds(own.ctx)).toEqual([2]);
  });
});

describe('MessagingEngine signed pre-key rotation', () => {
  const network = () => new MemoryNetwork();
  const publishedSpkId = (net: MemoryNetwork, engine: MessagingEngine): number =>
    parseBundle(net.pepItem(OWN_JID, NODE_BUNDLES, String(engine.deviceId))!, engine.deviceId).signedPreKey.id;
  const engines: MessagingEngine[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const engine of engines.splice(0)) await engine.stop();
  });

  async function startEngine(store: Store, net: MemoryNetwork, log: string[], signedPreKey?: SignedPreKeyRotationOptions) {
    const transport = net.transport(OWN_JID);
    const engine = new MessagingEngine({ store, transport, now: () => clock.now, log: (l) => log.push(l), preKeyCount: 25, ...(signedPreKey ? { signedPreKey } : {}) });
    engines.push(engine);
    await engine.start();
    return { engine, transport };
  }

  it('rotates a signed pre-key older than the period at sign-in and publishes the new one', async () => {
    const store = await openStore();
    ensureOwnDevice(protocolContext(store, defaultBackend(), () => clock.now), store, OWN_JID);
    clock.now += 8 * DAY;
    const net = network();
    const log: string[] = [];
    const { engine } = await startEngine(store, net, log);
    expect(log.filter((l) => l.startsWith('signed-pre-key-'))).toEqual(['signed-pre-key-rotated id=2 pruned=0']);
    expect(publishedSpkId(net, engine)).toBe(2);
  });

  it('uses the rotation period option', async () => {
    const store = await openStore();
    ensureOwnDevice(protocolContext(store, defaultBackend(), () => clock.now), store, OWN_JID);
    clock.now += DAY;
    const net = network();
    const { engine } = await startEngine(store, net, [], { rotationPeriodMs: DAY });
    expect(publishedSpkId(net, engine)).toBe(2);
  });

  it('refuses an invalid rotation period before creating a device', async () => {
    const store = await openStore();
    expect(() => new MessagingEngine({ store, transport: network().transport(OWN_JID), signedPreKey: { rotationPeriodMs: 0 } })).toThrow(RangeError);
    expect(store.account.get()).toBeUndefined();
  });

  it('rotates on the periodic tick and retries a failed bundle publish on the next one', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const store = await openStore();
    const net = network();
    const log: string[] = [];
    const { engine, transport } = await startEngine(store, net, log);
    expect(publishedSpkId(net, engine)).toBe(1);

    let refuseBundles = true;
    const iq = transport.iq.bind(transport);
    transport.iq = (type, payload: Element, options) => {
      const node = payload.getChild('publish')?.attrs.node;
      if (refuseBundles && type === 'set' && node === NODE_BUNDLES) return Promise.reject(new CryptoError('invalid-bundle', 'refused'));
      return iq(type, payload, options);
    };
    clock.now += WEEK;
    vi.advanceTimersByTime(10_000);
    await vi.waitFor(() => expect(log).toContain('bundle-republish-failed reason=publish-failed'));
    expect(log.filter((l) => l.startsWith('signed-pre-key-'))).toEqual(['signed-pre-key-rotated id=2 pruned=0']);
    expect(publishedSpkId(net, engine)).toBe(1);

    refuseBundles = false;
    vi.advanceTimersByTime(10_000);
    await vi.waitFor(() => expect(publishedSpkId(net, engine)).toBe(2));
    expect(log.filter((l) => l.startsWith('signed-pre-key-'))).toHaveLength(1);
  });
});
