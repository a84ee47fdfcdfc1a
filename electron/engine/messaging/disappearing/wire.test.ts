import { describe, expect, it } from 'vitest';
import { parseXml, xml } from '../../xmpp/xml.js';
import { compareSettings, localChange } from './timer-setting.js';
import { disappearingContent, readDisappearing } from './wire.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';
const setting = { seconds: 300, version: 4, setBy: ALICE, setDevice: 17, setAt: Date.UTC(2025, 0, 1) };
const roundTrip = (elements: ReturnType<typeof disappearingContent>) => elements.map((el) => parseXml(el.toString()));

describe('disappearing wire format', () => {
  it('writes XEP-0466 <ephemeral timer> and Parley’s setting element, and reads them back', () => {
    const elements = roundTrip(disappearingContent({ messageTimer: 300, setting }));
    expect(elements.map((e) => e.toString())).toEqual([
      `<ephemeral xmlns="urn:xmpp:ephemeral:0" timer="300"/>`,
      `<disappearing xmlns="urn:parley:disappearing:0" seconds="300" version="4" by="${ALICE}" device="17" at="2025-01-01T00:00:00.000Z"/>`,
    ]);
    expect(readDisappearing(elements, [ALICE, BOB])).toEqual({ messageTimer: 300, setting });
  });

  it('writes timer off as seconds 0 and reads it back as no seconds', () => {
    const off = { version: 5, setBy: BOB, setDevice: 3, setAt: setting.setAt };
    expect(readDisappearing(roundTrip(disappearingContent({ setting: off })), [ALICE, BOB])).toEqual({ setting: off });
  });

  it('ignores a setting claimed for someone outside the conversation', () => {
    const forged = { ...setting, setBy: 'mallory@example.test' };
    expect(readDisappearing(roundTrip(disappearingContent({ setting: forged })), [ALICE, BOB])).toEqual({});
  });

  it('ignores malformed values instead of applying part of them', () => {
    const content = [
      xml('ephemeral', { xmlns: 'urn:xmpp:ephemeral:0', timer: '-5' }),
      xml('disappearing', { xmlns: 'urn:parley:disappearing:0', seconds: '30', version: 'x', by: ALICE, device: '1', at: '2025-01-01T00:00:00Z' }),
    ];
    expect(readDisappearing(content, [ALICE, BOB])).toEqual({});
  });

  it('reads nothing from a message without the elements (a client that does not know them)', () => {
    expect(readDisappearing([xml('body', { xmlns: 'jabber:client' }, 'hi')], [ALICE, BOB])).toEqual({});
  });
});

describe('timer setting order', () => {
  it('orders by version first, then setter JID, then device — never by clock', () => {
    const a = { version: 2, setBy: ALICE, setDevice: 9, setAt: 5 };
    const b = { version: 2, setBy: BOB, setDevice: 1, setAt: 1 };
    expect(compareSettings(a, b)).toBeLessThan(0);
    expect(compareSettings({ ...a, version: 3 }, b)).toBeGreaterThan(0);
    expect(compareSettings(a, { ...a, setDevice: 10 })).toBeLessThan(0);
  });

  it('makes a local change one version past the current one', () => {
    const conversation = { id: 1, peerJid: BOB, kind: 'chat', version: 6, createdAt: 0 } as const;
    expect(localChange(conversation, { jid: ALICE, deviceId: 2 }, 30, 99)).toEqual({ seconds: 30, version: 7, setBy: ALICE, setDevice: 2, setAt: 99 });
  });
});
