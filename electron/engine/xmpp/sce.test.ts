import { describe, expect, it } from 'vitest';
import { isXmppError } from './errors.js';
import { buildEnvelope, envelopeBody, parseEnvelope, randomPadding, RPAD_MAX_CHARS, serializeEnvelope } from './sce.js';
import { xml } from './xml.js';

const now = new Date('2025-06-01T12:00:00.000Z');
const ctx = { stanzaFrom: 'alice@example.org/phone', stanzaTo: 'bob@example.org', now };
const body = (text: string) => xml('body', { xmlns: 'jabber:client' }, text);
const enc = (s: string) => new TextEncoder().encode(s);

function envelopeText(affixes: string, content = "<body xmlns='jabber:client'>hi</body>"): Uint8Array {
  return enc(`<envelope xmlns='urn:xmpp:sce:1'><content>${content}</content>${affixes}</envelope>`);
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isXmppError(e) ? e.code : 'not-an-XmppError';
  }
  return undefined;
}

describe('SCE envelope', () => {
  it('round-trips content with markup-like text, escaping it on the way out', () => {
    const text = `<script>alert("x")</script> & ' ]]>`;
    const bytes = serializeEnvelope({ content: [body(text)], from: 'alice@example.org/phone', to: 'bob@example.org', time: now });
    const parsed = parseEnvelope(bytes, ctx);
    expect(envelopeBody(parsed)).toBe(text);
    expect(parsed.from).toBe('alice@example.org');
    expect(parsed.to).toBe('bob@example.org');
    expect(parsed.time).toEqual(now);
    expect(parsed.dropped).toEqual([]);
  });

  it('writes rpad, time, to and from (bare JIDs) on every envelope', () => {
    const el = buildEnvelope({ content: [body('x')], from: 'alice@example.org/phone', to: 'bob@example.org/laptop' });
    expect(el.getChild('rpad')).toBeDefined();
    expect(el.getChild('time')?.attrs.stamp).toMatch(/Z$/);
    expect(el.getChild('to')?.attrs.jid).toBe('bob@example.org');
    expect(el.getChild('from')?.attrs.jid).toBe('alice@example.org');
  });

  it('pads with 0..200 random characters of varying length', () => {
    const lengths = new Set(Array.from({ length: 200 }, () => randomPadding().length));
    expect(Math.max(...lengths)).toBeLessThanOrEqual(RPAD_MAX_CHARS);
    expect(lengths.size).toBeGreaterThan(20);
  });

  it('rejects an envelope whose <from> is not the stanza sender', () => {
    expect(codeOf(() => parseEnvelope(envelopeText("<from jid='mallory@example.org'/>"), ctx))).toBe('affix-mismatch');
  });

  it('rejects an envelope whose <to> is not the stanza recipient', () => {
    expect(codeOf(() => parseEnvelope(envelopeText("<to jid='carol@example.org'/>"), ctx))).toBe('affix-mismatch');
  });

  it('requires <to> in group chats', () => {
    expect(codeOf(() => parseEnvelope(envelopeText(''), { ...ctx, groupChat: true }))).toBe('affix-mismatch');
  });

  it('rejects a <time> far from the sending time, judged by the delay stamp when given', () => {
    const stamp = (d: string) => `<time stamp='${d}'/>`;
    expect(codeOf(() => parseEnvelope(envelopeText(stamp('2025-06-01T13:00:00Z')), ctx))).toBe('affix-mismatch');
    expect(codeOf(() => parseEnvelope(envelopeText(stamp('2025-06-01T12:05:00+00:00')), ctx))).toBeUndefined();
    // An old message from the archive: judged against its archive stamp, not now.
    const sentAt = new Date('2025-01-01T08:00:00Z');
    expect(codeOf(() => parseEnvelope(envelopeText(stamp('2025-01-01T08:01:00Z')), { ...ctx, sentAt }))).toBeUndefined();
    expect(codeOf(() => parseEnvelope(envelopeText(stamp('yesterday')), ctx))).toBe('malformed');
  });

  it('drops server-processed and namespace-less elements found inside <content>', () => {
    const content = [
      "<body xmlns='jabber:client'>hi</body>",
      "<store xmlns='urn:xmpp:hints'/>",
      "<stanza-id xmlns='urn:xmpp:sid:0' id='x' by='example.org'/>",
      "<origin-id xmlns='urn:xmpp:sid:0' id='o'/>",
      "<addresses xmlns='http://jabber.org/protocol/address'/>",
      "<encryption xmlns='urn:xmpp:eme:0' namespace='urn:xmpp:omemo:2'/>",
      '<naked/>',
    ].join('');
    const parsed = parseEnvelope(envelopeText('', content), ctx);
    expect(parsed.content.map((e) => e.getName())).toEqual(['body', 'origin-id']);
    expect(parsed.dropped).toHaveLength(5);
  });

  it.each([
    ['invalid UTF-8', new Uint8Array([0x3c, 0xff, 0xfe])],
    ['not XML', enc('hello')],
    ['truncated XML', enc("<envelope xmlns='urn:xmpp:sce:1'><content>")],
    ['the wrong root', enc("<content xmlns='urn:xmpp:sce:0'><payload/></content>")],
    ['no <content>', enc("<envelope xmlns='urn:xmpp:sce:1'><rpad/></envelope>")],
    ['two <from>', envelopeText("<from jid='alice@example.org'/><from jid='alice@example.org'/>")],
  ])('rejects %s as malformed', (_, bytes) => {
    expect(codeOf(() => parseEnvelope(bytes, ctx))).toBe('malformed');
  });

  it('refuses to build content that XML cannot carry or that lacks a namespace', () => {
    expect(codeOf(() => buildEnvelope({ content: [body('bell\u0007')], from: 'a@x', to: 'b@x' }))).toBe('malformed');
    expect(codeOf(() => buildEnvelope({ content: [xml('body', {}, 'x')], from: 'a@x', to: 'b@x' }))).toBe('malformed');
  });
});
