import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultBackend } from '../engine/crypto/backend/index.js';
import { MessagingError } from '../engine/messaging/errors.js';
import { ensureOwnDevice, protocolContext } from '../engine/messaging/index.js';
import { createDispatcher } from '../ipc/dispatcher.js';
import { createEngineService } from './engine-service.js';
import type { MessagingFactory } from './messaging-port.js';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function service() {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-service-'));
  dirs.push(dataDir);
  const engine = createEngineService({ dataDir, scrypt: FAST });
  return { dataDir, engine, dispatch: createDispatcher({ engine, host: { openExternal: async () => undefined } }) };
}

const setup = { mode: 'sign-in', jid: 'Alice@example.org', password: 'server-password-123', protector: 'passphrase', passphrase: 'correct horse battery' };

describe('engine service', () => {
  it('walks needs-setup → unlocked → locked and refuses a wrong passphrase', async () => {
    const { dispatch } = service();
    expect(await dispatch('getAppState', {})).toEqual({ ok: true, value: { state: 'needs-setup' } });
    const created = await dispatch('setup', setup);
    expect(created).toMatchObject({ ok: true, value: { status: { state: 'unlocked', jid: 'alice@example.org' }, identity: { jid: 'alice@example.org' } } });
    expect(await dispatch('lock', {})).toEqual({ ok: true, value: { state: 'locked', protector: 'passphrase' } });
    expect(await dispatch('listConversations', {})).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(await dispatch('unlock', { passphrase: 'wrong horse battery' })).toMatchObject({ ok: false, error: { code: 'wrong-passphrase' } });
    expect(await dispatch('unlock', { passphrase: setup.passphrase })).toMatchObject({ ok: true, value: { state: 'unlocked' } });
    expect(await dispatch('setup', setup)).toMatchObject({ ok: false, error: { code: 'already-set-up' } });
  });

  it('queues messages while offline and keeps history across a restart', async () => {
    const { dataDir, engine, dispatch } = service();
    await dispatch('setup', setup);
    const chat = await dispatch('openConversation', { peerJid: 'bob@example.org' });
    if (!chat.ok) throw new Error(chat.error.code);
    const id = (chat.value as { id: number }).id;
    const sent = await dispatch('sendMessage', { conversationId: id, body: '<script>alert(1)</script>' });
    expect(sent).toMatchObject({ ok: true, value: { state: 'pending', body: '<script>alert(1)</script>' } });
    expect(await dispatch('getConnection', {})).toEqual({ ok: true, value: { state: 'offline', queued: 1 } });
    await engine.close();

    const again = createDispatcher({ engine: createEngineService({ dataDir, scrypt: FAST }), host: { openExternal: async () => undefined } });
    await again('unlock', { passphrase: setup.passphrase });
    const page = await again('loadMessages', { conversationId: id, limit: 50 });
    expect(page).toMatchObject({ ok: true, value: { hasMore: false, messages: [{ body: '<script>alert(1)</script>', state: 'pending' }] } });
  });

  it('keeps the server password off the disk in readable form', async () => {
    const { dataDir, dispatch } = service();
    await dispatch('setup', setup);
    for (const name of readdirSync(dataDir)) {
      expect(readFileSync(join(dataDir, name)).includes(Buffer.from(setup.password))).toBe(false);
    }
  });

  it('shows the own device with its fingerprint and refuses to distrust it', async () => {
    const { dispatch } = service();
    await dispatch('setup', setup);
    const own = await dispatch('getOwnIdentity', {});
    expect(own).toMatchObject({ ok: true, value: { jid: 'alice@example.org', fingerprint: expect.stringMatching(/^([0-9a-f]{8} ){7}[0-9a-f]{8}$/) } });
    const devices = await dispatch('listDevices', { jid: 'alice@example.org' });
    expect(devices).toMatchObject({ ok: true, value: [{ own: true, trust: 'verified' }] });
    const deviceId = own.ok ? (own.value as { deviceId: number }).deviceId : 0;
    expect(await dispatch('setDeviceTrust', { jid: 'alice@example.org', deviceId, trust: 'untrusted' })).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
  });

  it.each([
    [new MessagingError('device-id-taken', 'taken'), 'device-id-taken'],
    [new MessagingError('device-list-full', 'full'), 'device-list-full'],
    [new MessagingError('publish-failed', 'refused'), 'unreachable'],
  ])('reports a first sign-in that failed with %s as error/%s', async (failure, reason) => {
    const failing: MessagingFactory = {
      create: ({ store, account }) => {
        ensureOwnDevice(protocolContext(store, defaultBackend(), Date.now), store, account.jid); // as the engine does
        return { start: () => Promise.reject(failure), stop: async () => undefined, send: () => Promise.reject(failure), on: () => undefined };
      },
    };
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-service-'));
    dirs.push(dataDir);
    const dispatch = createDispatcher({ engine: createEngineService({ dataDir, scrypt: FAST, messaging: failing }), host: { openExternal: async () => undefined } });
    await dispatch('setup', setup);
    await new Promise((r) => setTimeout(r, 0));
    expect(await dispatch('getConnection', {})).toMatchObject({ ok: true, value: { state: 'error', reason } });
  });

  it('refuses to remove this device, and any device without a messaging engine, with typed errors', async () => {
    const { dispatch } = service();
    await dispatch('setup', setup);
    const own = await dispatch('getOwnIdentity', {});
    const deviceId = own.ok ? (own.value as { deviceId: number }).deviceId : 0;
    expect(await dispatch('removeOwnDevice', { deviceId })).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(await dispatch('removeOwnDevice', { deviceId: deviceId === 7 ? 8 : 7 })).toMatchObject({ ok: false, error: { code: 'unreachable' } });
  });

  it.each([
    [new MessagingError('not-allowed', 'engine-detail-1'), 'not-allowed'],
    [new MessagingError('unknown-device', 'engine-detail-2'), 'not-found'],
    [new MessagingError('device-list-full', 'engine-detail-3'), 'not-allowed'],
    [new MessagingError('not-online', 'engine-detail-4'), 'unreachable'],
    [new MessagingError('publish-failed', 'engine-detail-5'), 'not-allowed'],
    [new Error('engine-detail-6'), 'internal'],
  ])('answers a device removal the engine refused with %s as %s, without its detail', async (failure, code) => {
    const refusing: MessagingFactory = {
      create: ({ store, account }) => {
        ensureOwnDevice(protocolContext(store, defaultBackend(), Date.now), store, account.jid);
        return { start: () => new Promise(() => undefined), stop: async () => undefined, send: () => Promise.reject(failure), on: () => undefined, removeOwnDevice: () => Promise.reject(failure) };
      },
    };
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-service-'));
    dirs.push(dataDir);
    const dispatch = createDispatcher({ engine: createEngineService({ dataDir, scrypt: FAST, messaging: refusing }), host: { openExternal: async () => undefined }, log: () => undefined });
    await dispatch('setup', setup);
    const result = await dispatch('removeOwnDevice', { deviceId: 12_345 });
    expect(result).toMatchObject({ ok: false, error: { code } });
    if (!result.ok) expect(result.error.message).not.toContain('engine-detail');
  });
});
