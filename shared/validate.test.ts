import { describe, expect, it } from 'vitest';
import { METHODS } from './channels.js';
import { contract } from './contract.js';
import { LIMITS } from './limits.js';
import { isSafeExternalUrl, parseEvent, parseRequest } from './validate.js';

const setup = { mode: 'sign-in', jid: 'alice@example.org', password: 'pw', protector: 'passphrase', passphrase: 'correct horse' } as const;

describe('parseRequest', () => {
  it('accepts a well-formed setup request', () => {
    expect(parseRequest('setup', setup)).toEqual({ ok: true, value: setup });
  });

  it('refuses an unknown method with unknown-channel', () => {
    for (const name of ['evalJs', '__proto__', 'constructor', 42, undefined]) {
      expect(parseRequest(name, {})).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    }
  });

  it('refuses extra fields instead of dropping them', () => {
    const result = parseRequest('unlock', { passphrase: 'x', dbKey: 'aa' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('refuses wrong types', () => {
    expect(parseRequest('loadMessages', { conversationId: '1', limit: 10 }).ok).toBe(false);
    expect(parseRequest('loadMessages', { conversationId: 1.5, limit: 10 }).ok).toBe(false);
    expect(parseRequest('loadMessages', { conversationId: 1, limit: 10_000 }).ok).toBe(false);
    expect(parseRequest('sendMessage', { conversationId: 1, body: ['hi'] }).ok).toBe(false);
    expect(parseRequest('setDeviceTrust', { jid: 'bob@example.org', deviceId: 0, trust: 'verified' }).ok).toBe(false);
    expect(parseRequest('setDeviceTrust', { jid: 'bob@example.org', deviceId: 7, trust: 'trusted-by-eval' }).ok).toBe(false);
    expect(parseRequest('sendMessage', null).ok).toBe(false);
    expect(parseRequest('sendMessage', 'body').ok).toBe(false);
  });

  it('refuses strings beyond the limits without echoing them', () => {
    const huge = 'x'.repeat(LIMITS.body + 1);
    const result = parseRequest('sendMessage', { conversationId: 1, body: huge });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message.length).toBeLessThan(200);
    expect(parseRequest('listConversations', { search: 's'.repeat(LIMITS.search + 1) }).ok).toBe(false);
    expect(parseRequest('unlock', { passphrase: 'p'.repeat(LIMITS.passphrase + 1) }).ok).toBe(false);
  });

  it('never echoes a refused passphrase in the error', () => {
    const result = parseRequest('setup', { ...setup, passphrase: 'short' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    if (!result.ok) expect(result.error.message).not.toContain('short');
  });

  it('refuses a JID with a resource or without a local part', () => {
    expect(parseRequest('openConversation', { peerJid: 'bob@example.org/phone' }).ok).toBe(false);
    expect(parseRequest('openConversation', { peerJid: 'example.org' }).ok).toBe(false);
    expect(parseRequest('openConversation', { peerJid: 'bob@example.org' }).ok).toBe(true);
  });

  it('treats a missing payload of a no-argument method as {}', () => {
    expect(parseRequest('getAppState', undefined)).toEqual({ ok: true, value: {} });
    expect(parseRequest('getAppState', { sneaky: true }).ok).toBe(false);
  });

  it('has a request and a response schema for every method', () => {
    for (const method of METHODS) {
      expect(contract[method].request).toBeDefined();
      expect(contract[method].response).toBeDefined();
    }
  });
});

describe('parseEvent', () => {
  it('validates event payloads and refuses unknown events', () => {
    expect(parseEvent('messageState', { id: 'm1', conversationId: 1, state: 'sent' }).ok).toBe(true);
    expect(parseEvent('messageState', { id: 'm1', conversationId: 1, state: 'read-by-martians' }).ok).toBe(false);
    expect(parseEvent('keys', {}).ok).toBe(false);
  });
});

describe('isSafeExternalUrl', () => {
  it('allows https only, without credentials', () => {
    expect(isSafeExternalUrl('https://example.org/x')).toBe(true);
    for (const url of ['http://example.org', 'file:///etc/passwd', 'javascript:alert(1)', 'https://user:pw@example.org', 'parley://app/', 'not a url']) {
      expect(isSafeExternalUrl(url)).toBe(false);
    }
  });
});
