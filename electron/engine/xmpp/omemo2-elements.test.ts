import { describe, expect, it } from 'vitest';
import type { Bundle, EncryptedMessage } from '../protocol/types.js';
import { isXmppError } from './errors.js';
import {
  bundleElement,
  deviceListElement,
  encryptedElement,
  MAX_DEVICES_PER_LIST,
  MAX_LABEL_LENGTH,
  parseBundle,
  parseBundleItemId,
  parseDeviceList,
  parseEncrypted,
} from './omemo2-elements.js';
import { parseXml } from './xml.js';

const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);
const b64 = (n: number, fill = 1): string => Buffer.from(bytes(n, fill)).toString('base64');
const roundTrip = (s: string) => parseXml(s);
const expectMalformed = (f: () => unknown): void => {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(isXmppError(caught, 'malformed'), String(caught)).toBe(true);
};

const bundle: Bundle = {
  deviceId: 31415,
  identityKey: bytes(32, 1),
  signedPreKey: { id: 7, publicKey: bytes(32, 2), signature: bytes(64, 3) },
  preKeys: Array.from({ length: 100 }, (_, i) => ({ id: i + 1, publicKey: bytes(32, i) })),
};

const validBundleXml = (inner: string) => `<bundle xmlns='urn:xmpp:omemo:2'>${inner}</bundle>`;
const bundleParts = {
  spk: `<spk id='1'>${b64(32)}</spk>`,
  spks: `<spks>${b64(64)}</spks>`,
  ik: `<ik>${b64(32)}</ik>`,
  prekeys: `<prekeys><pk id='1'>${b64(32)}</pk></prekeys>`,
};
const bundleXml = (over: Partial<typeof bundleParts> = {}) => validBundleXml(Object.values({ ...bundleParts, ...over }).join(''));

const deviceList = (inner: string) => roundTrip(`<devices xmlns='urn:xmpp:omemo:2'>${inner}</devices>`);
const deviceEntries = (ids: readonly number[]) => ids.map((id) => `<device id='${id}'/>`).join('');

describe('device list codec', () => {
  it('round-trips hundreds of devices with labels through XML text', () => {
    const devices = Array.from({ length: 500 }, (_, i) => (i % 2 ? { id: 2 ** 31 - 1 - i, label: `Device <${i}> & "co"` } : { id: i + 1 }));
    const text = deviceListElement(devices).toString();
    expect(parseDeviceList(roundTrip(text))).toEqual({ devices, skipped: 0, labelsDropped: 0, overflow: 0 });
  });

  it('keeps the first entry of a duplicated device id and counts the repeat as skipped', () => {
    const parsed = parseDeviceList(deviceList("<device id='5' label='a'/><device id='5' label='b'/>"));
    expect(parsed).toEqual({ devices: [{ id: 5, label: 'a' }], skipped: 1, labelsDropped: 0, overflow: 0 });
  });

  it('accepts an empty list', () => {
    expect(parseDeviceList(roundTrip("<devices xmlns='urn:xmpp:omemo:2'/>")).devices).toEqual([]);
  });

  it.each([
    ['id 0', "<device id='0'/>"],
    ['id 2^31', "<device id='2147483648'/>"],
    ['negative id', "<device id='-1'/>"],
    ['non-decimal id', "<device id='0x10'/>"],
    ['non-numeric id', "<device id='abc'/>"],
    ['leading zero', "<device id='007'/>"],
    ['missing id', '<device/>'],
    ['empty id', "<device id=''/>"],
    ['id with spaces', "<device id=' 5'/>"],
    ['fractional id', "<device id='5.5'/>"],
  ])('skips a device with %s and keeps the devices around it', (_, device) => {
    const parsed = parseDeviceList(deviceList(`<device id='3'/>${device}<device id='9' label='Phone'/>`));
    expect(parsed).toEqual({ devices: [{ id: 3 }, { id: 9, label: 'Phone' }], skipped: 1, labelsDropped: 0, overflow: 0 });
  });

  it('keeps a device whose label is too long, without the label', () => {
    const longest = 'x'.repeat(MAX_LABEL_LENGTH);
    const parsed = parseDeviceList(deviceList(`<device id='3' label='${longest}y'/><device id='4' label='${longest}'/>`));
    expect(parsed).toEqual({ devices: [{ id: 3 }, { id: 4, label: longest }], skipped: 0, labelsDropped: 1, overflow: 0 });
  });

  it('reads a list another client filled with bad entries as its usable devices, not as an error', () => {
    const parsed = parseDeviceList(deviceList(`<device id='0'/><device id='abc' label='x'/><device id='77' label='${'L'.repeat(1000)}'/><device id='78'/>`));
    expect(parsed).toEqual({ devices: [{ id: 77 }, { id: 78 }], skipped: 2, labelsDropped: 1, overflow: 0 });
    expect(parseDeviceList(deviceList("<device id='0'/><device/>"))).toEqual({ devices: [], skipped: 2, labelsDropped: 0, overflow: 0 });
  });

  it('ignores children that are not OMEMO:2 devices', () => {
    const parsed = parseDeviceList(deviceList("<device xmlns='urn:example' id='1'/><note/><device id='2'/>"));
    expect(parsed).toEqual({ devices: [{ id: 2 }], skipped: 0, labelsDropped: 0, overflow: 0 });
  });

  it('keeps the first MAX_DEVICES_PER_LIST devices of a longer list and counts the rest as overflow', () => {
    const ids = Array.from({ length: MAX_DEVICES_PER_LIST + 6 }, (_, i) => i + 1);
    const parsed = parseDeviceList(deviceList(deviceEntries(ids)));
    expect(parsed.devices.map((d) => d.id)).toEqual(ids.slice(0, MAX_DEVICES_PER_LIST));
    expect(parsed.overflow).toBe(6);
  });

  it('keeps the device named by keepId in a list longer than the cap, giving up the last place under it', () => {
    const ids = Array.from({ length: MAX_DEVICES_PER_LIST + 6 }, (_, i) => i + 1);
    const own = ids[ids.length - 1]!;
    const parsed = parseDeviceList(deviceList(deviceEntries(ids)), { keepId: own });
    expect(parsed.devices).toHaveLength(MAX_DEVICES_PER_LIST);
    expect(parsed.devices.map((d) => d.id)).toEqual([...ids.slice(0, MAX_DEVICES_PER_LIST - 1), own]);
    expect(parsed.overflow).toBe(6);
    // Within the cap, or absent, keepId changes nothing.
    expect(parseDeviceList(deviceList(deviceEntries(ids)), { keepId: 2 })).toEqual(parseDeviceList(deviceList(deviceEntries(ids))));
    expect(parseDeviceList(deviceList(deviceEntries([1, 2])), { keepId: 99 }).devices).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('rejects what is no OMEMO:2 device list at all, and refuses to build invalid lists', () => {
    expectMalformed(() => parseDeviceList(roundTrip("<list xmlns='eu.siacs.conversations.axolotl'><device id='1'/></list>")));
    expectMalformed(() => parseDeviceList(roundTrip("<list xmlns='urn:xmpp:omemo:2'><device id='1'/></list>")));
    expectMalformed(() => parseDeviceList(roundTrip("<devices xmlns='urn:xmpp:omemo:1'><device id='1'/></devices>")));
    expectMalformed(() => parseDeviceList(undefined));
    expectMalformed(() => deviceListElement([{ id: 0 }]));
    expectMalformed(() => deviceListElement([{ id: 1 }, { id: 1 }]));
    expectMalformed(() => deviceListElement([{ id: 1, label: 'x'.repeat(MAX_LABEL_LENGTH + 1) }]));
  });
});

describe('bundle codec', () => {
  it('round-trips a bundle through XML text', () => {
    const el = bundleElement(bundle);
    expect(parseBundle(roundTrip(el.toString()), 31415)).toEqual(bundle);
  });

  it('reads the device id from the item id, within 1..2^31-1', () => {
    expect(parseBundleItemId('31415')).toBe(31415);
    for (const bad of [undefined, '0', '2147483648', '01', 'current', '1.5']) expectMalformed(() => parseBundleItemId(bad));
  });

  it('tolerates whitespace inside base64 (pretty-printed XML)', () => {
    const spaced = b64(32).replace(/(.{8})/g, '$1\n   ');
    expect(parseBundle(roundTrip(bundleXml({ ik: `<ik>\n  ${spaced}\n</ik>` })), 1).identityKey).toEqual(bytes(32, 1));
  });

  it.each([
    ['no spk', { spk: '' }],
    ['two spks', { spks: `<spks>${b64(64)}</spks><spks>${b64(64)}</spks>` }],
    ['short identity key', { ik: `<ik>${b64(31)}</ik>` }],
    ['invalid base64', { ik: '<ik>!!notbase64!!</ik>' }],
    ['non-canonical base64', { ik: `<ik>${b64(32).slice(0, -2)}B=</ik>` }],
    ['signature of wrong length', { spks: `<spks>${b64(32)}</spks>` }],
    ['no pre-keys', { prekeys: '<prekeys/>' }],
    ['duplicate pre-key ids', { prekeys: `<prekeys><pk id='1'>${b64(32)}</pk><pk id='1'>${b64(32)}</pk></prekeys>` }],
    ['pre-key id over 2^32-1', { prekeys: `<prekeys><pk id='4294967296'>${b64(32)}</pk></prekeys>` }],
    ['spk without id', { spk: `<spk>${b64(32)}</spk>` }],
    ['nested element in ik', { ik: `<ik><x/>${b64(32)}</ik>` }],
  ])('rejects a bundle with %s', (_, over) => {
    expectMalformed(() => parseBundle(roundTrip(bundleXml(over)), 1));
  });

  it('error messages name the element, never the key bytes', () => {
    try {
      parseBundle(roundTrip(bundleXml({ ik: `<ik>${b64(31, 0xab)}</ik>` })), 1);
    } catch (e) {
      expect((e as Error).message).toBe('identity key must be 32 bytes');
    }
  });
});

describe('<encrypted> codec', () => {
  const message: EncryptedMessage = {
    sender: { jid: 'alice@example.org', deviceId: 27183 },
    payload: bytes(48, 9),
    keys: [
      { address: { jid: 'bob@example.org', deviceId: 1 }, kex: true, data: bytes(70, 1) },
      { address: { jid: 'bob@example.org', deviceId: 2 }, kex: false, data: bytes(60, 2) },
      { address: { jid: 'alice@example.org', deviceId: 3 }, kex: false, data: bytes(60, 3) },
    ],
  };

  it('round-trips a message, grouping keys by JID', () => {
    const el = encryptedElement(message);
    expect(el.getChild('header')?.getChildren('keys')).toHaveLength(2);
    expect(parseEncrypted(roundTrip(el.toString()), 'alice@example.org/phone')).toEqual(message);
  });

  it("writes kex='true' only for key exchanges and omits it otherwise", () => {
    const keys = encryptedElement(message).getChild('header')!.getChildren('keys').flatMap((k) => k.getChildren('key'));
    expect(keys.map((k) => k.attrs.kex)).toEqual(['true', undefined, undefined]);
  });

  it("parses kex as true only for 'true' or '1'", () => {
    const withKex = (kex: string) =>
      parseEncrypted(
        roundTrip(`<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><keys jid='b@x'><key rid='2' kex='${kex}'>AQ==</key></keys></header></encrypted>`),
        'a@x',
      ).keys[0]!.kex;
    expect(withKex('true')).toBe(true);
    expect(withKex('1')).toBe(true);
    expect(withKex('false')).toBe(false);
    expect(withKex('0')).toBe(false);
    expectMalformed(() => withKex('yes'));
  });

  it('round-trips an empty OMEMO message (no payload)', () => {
    const empty = { ...message, payload: null };
    expect(parseEncrypted(roundTrip(encryptedElement(empty).toString()), 'alice@example.org')).toEqual(empty);
  });

  it.each([
    ['no header', '<payload>AQ==</payload>'],
    ['sid 0', "<header sid='0'><keys jid='b@x'><key rid='2'>AQ==</key></keys></header>"],
    ['missing sid', "<header><keys jid='b@x'><key rid='2'>AQ==</key></keys></header>"],
    ['no keys', "<header sid='1'/>"],
    ['empty keys group', "<header sid='1'><keys jid='b@x'/></header>"],
    ['full JID in keys', "<header sid='1'><keys jid='b@x/r'><key rid='2'>AQ==</key></keys></header>"],
    ['rid over 2^31-1', "<header sid='1'><keys jid='b@x'><key rid='2147483648'>AQ==</key></keys></header>"],
    ['duplicate key for a device', "<header sid='1'><keys jid='b@x'><key rid='2'>AQ==</key><key rid='2'>AQ==</key></keys></header>"],
    ['bad base64 key', "<header sid='1'><keys jid='b@x'><key rid='2'>A</key></keys></header>"],
    ['empty key', "<header sid='1'><keys jid='b@x'><key rid='2'></key></keys></header>"],
    ['empty payload', "<header sid='1'><keys jid='b@x'><key rid='2'>AQ==</key></keys></header><payload></payload>"],
    ['two payloads', "<header sid='1'><keys jid='b@x'><key rid='2'>AQ==</key></keys></header><payload>AQ==</payload><payload>AQ==</payload>"],
  ])('rejects an <encrypted> with %s', (_, inner) => {
    expectMalformed(() => parseEncrypted(roundTrip(`<encrypted xmlns='urn:xmpp:omemo:2'>${inner}</encrypted>`), 'a@x'));
  });

  it('rejects legacy OMEMO (eu.siacs.conversations.axolotl) and undefined input', () => {
    expectMalformed(() => parseEncrypted(roundTrip("<encrypted xmlns='eu.siacs.conversations.axolotl'/>"), 'a@x'));
    expectMalformed(() => parseEncrypted(undefined, 'a@x'));
  });
});

describe('parseXml', () => {
  it.each([
    ['an unclosed element', '<a><b/>'],
    ['mismatched tags', '<a><b></a></b>'],
    ['content after the root', '<a/><b/>'],
    ['text after the root', '<a/>text'],
    ['an unknown entity', '<a>&bogus;</a>'],
    ['a forbidden control character', '<a>\u0001</a>'],
    ['nothing', ''],
  ])('rejects %s', (_, text) => {
    expectMalformed(() => parseXml(text));
  });

  it('rejects absurd nesting depth', () => {
    expectMalformed(() => parseXml('<a>'.repeat(100) + '</a>'.repeat(100)));
  });
});
