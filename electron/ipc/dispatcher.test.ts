import { describe, expect, it, vi } from 'vitest';
import { StoreError } from '../engine/store/errors.js';
import { XmppError } from '../engine/xmpp/errors.js';
import { createDispatcher } from './dispatcher.js';
import { ServiceError, type EngineApi } from './engine-api.js';
import { isTrustedSender } from './sender.js';

const summary = { id: 1, peerJid: 'bob@example.org', unread: 0 };

function fakeEngine(overrides: Partial<Record<keyof EngineApi, unknown>> = {}): EngineApi {
  const notUsed = () => Promise.reject(new Error('not used'));
  const base: Record<string, unknown> = {
    subscribe: () => () => undefined,
    close: async () => undefined,
    getAppState: async () => ({ state: 'locked', protector: 'passphrase' }),
    openConversation: async () => summary,
  };
  const target: Record<string, unknown> = { ...base, ...overrides };
  return new Proxy(target, { get: (t, key) => (typeof key === 'string' && key in t ? t[key] : notUsed) }) as unknown as EngineApi;
}

const host = { openExternal: vi.fn(async () => undefined) };

describe('dispatcher', () => {
  it('calls the engine with the validated request and wraps the answer', async () => {
    const openConversation = vi.fn(async () => summary);
    const dispatch = createDispatcher({ engine: fakeEngine({ openConversation }), host });
    expect(await dispatch('openConversation', { peerJid: 'bob@example.org' })).toEqual({ ok: true, value: summary });
    expect(openConversation).toHaveBeenCalledWith({ peerJid: 'bob@example.org' });
  });

  it('answers unknown-channel for a method outside the contract, and never reaches the engine', async () => {
    const dispatch = createDispatcher({ engine: fakeEngine(), host });
    for (const method of ['subscribe', 'close', 'toString', '__proto__', 'require', null]) {
      expect(await dispatch(method, {})).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    }
  });

  it('answers invalid-request for hostile payloads without calling the engine', async () => {
    const openConversation = vi.fn(async () => summary);
    const dispatch = createDispatcher({ engine: fakeEngine({ openConversation }), host });
    const payloads = [
      { peerJid: 42 },
      { peerJid: 'bob@example.org', extra: 1 },
      { peerJid: `${'a'.repeat(5000)}@example.org` },
      JSON.parse('{"__proto__": {"polluted": true}, "peerJid": "bob@example.org"}'),
      [],
      'bob@example.org',
    ];
    for (const payload of payloads) {
      expect(await dispatch('openConversation', payload)).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    }
    expect(openConversation).not.toHaveBeenCalled();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('maps store, XMPP and service errors to contract codes', async () => {
    const cases: [unknown, string][] = [
      [new StoreError('wrong-passphrase', 'Wrong passphrase.'), 'wrong-passphrase'],
      [new StoreError('store-locked', 'Busy.'), 'store-busy'],
      [new StoreError('corrupt', 'Damaged.'), 'store-damaged'],
      [new StoreError('keystore-insecure', 'No keyring.'), 'keystore-unavailable'],
      [new XmppError('auth-failed', 'Refused.'), 'auth-failed'],
      [new XmppError('certificate-rejected', 'Bad cert.'), 'unreachable'],
      [new ServiceError('locked', 'Locked.'), 'locked'],
    ];
    for (const [error, code] of cases) {
      const dispatch = createDispatcher({ engine: fakeEngine({ getAppState: () => Promise.reject(error) }), host });
      expect(await dispatch('getAppState', {})).toMatchObject({ ok: false, error: { code } });
    }
  });

  it('hides the text of unexpected errors behind internal', async () => {
    const log = vi.fn();
    const engine = fakeEngine({ getAppState: () => Promise.reject(new Error('secret key 0xdeadbeef')) });
    const result = await createDispatcher({ engine, host, log })('getAppState', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('deadbeef');
    expect(log).toHaveBeenCalled();
  });

  it('refuses an engine answer outside the contract rather than leaking extra fields', async () => {
    const engine = fakeEngine({ getAppState: async () => ({ state: 'unlocked', dbKey: 'aabb' }) });
    expect(await createDispatcher({ engine, host })('getAppState', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('opens only https links in the system browser', async () => {
    const dispatch = createDispatcher({ engine: fakeEngine(), host });
    expect(await dispatch('openExternal', { url: 'https://example.org/' })).toEqual({ ok: true, value: {} });
    expect(await dispatch('openExternal', { url: 'file:///etc/passwd' })).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(host.openExternal).toHaveBeenCalledTimes(1);
  });
});

describe('isTrustedSender', () => {
  it('trusts only the top frame of the app origin', () => {
    expect(isTrustedSender({ url: 'parley://app/index.html', isTopFrame: true })).toBe(true);
    expect(isTrustedSender({ url: 'parley://app/index.html', isTopFrame: false })).toBe(false);
    expect(isTrustedSender({ url: 'parley://evil/index.html', isTopFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'https://app/', isTopFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'file:///app/index.html', isTopFrame: true })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });
});
