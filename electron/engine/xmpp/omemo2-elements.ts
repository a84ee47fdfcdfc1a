/**
 * XML ↔ data for the three OMEMO:2 elements (XEP-0384 v0.8 §5.3): the device list, the
 * bundle, and `<encrypted>`. Parsing is strict — anything malformed is an XmppError('malformed')
 * whose message names the element, never its key material — except for the entries of a
 * device list, which several clients share (parseDeviceList).
 */
import type { Element } from '@xmpp/xml';
import type { Bundle, EncryptedKey, EncryptedMessage } from '../protocol/types.js';
import { XmppError } from './errors.js';
import { bareJid, isBareJid } from './jid.js';
import { base64Text, encodeBase64, expectElement, intAttr, optionalChild, singleChild, xml } from './xml.js';

export const NS_OMEMO2 = 'urn:xmpp:omemo:2';
export const NODE_DEVICES = 'urn:xmpp:omemo:2:devices';
export const NODE_BUNDLES = 'urn:xmpp:omemo:2:bundles';
/** The device list lives in the single item 'current' (XEP-0384 §5.3.1, XEP-0060 §12.20). */
export const DEVICE_LIST_ITEM_ID = 'current';

/** Device ids: 1..2^31-1 (XEP-0384 §5.3.1). */
export const MIN_DEVICE_ID = 1;
export const MAX_DEVICE_ID = 2 ** 31 - 1;
/** Pre-key and signed pre-key ids are protobuf uint32 in the key exchange. */
export const MAX_KEY_ID = 2 ** 32 - 1;
/** Limits against hostile input; honest lists are far smaller (hundreds of devices is fine). */
export const MAX_DEVICES_PER_LIST = 1024;
export const MAX_PREKEYS_PER_BUNDLE = 1024;
export const MAX_KEYS_PER_MESSAGE = 4096;
export const MAX_LABEL_LENGTH = 256;

const KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;

const malformed = (what: string): XmppError => new XmppError('malformed', what);

export interface DeviceListEntry {
  readonly id: number;
  /** User-chosen name of the device (XEP-0384 §5.3.1); shown, never trusted. */
  readonly label?: string;
}

export function isValidDeviceId(id: number): boolean {
  return Number.isInteger(id) && id >= MIN_DEVICE_ID && id <= MAX_DEVICE_ID;
}

function assertDeviceId(id: number, what: string): void {
  if (!isValidDeviceId(id)) throw malformed(`${what} must be an integer in 1..2^31-1`);
}

function assertKeyId(id: number, what: string): void {
  if (!Number.isInteger(id) || id < 0 || id > MAX_KEY_ID) throw malformed(`${what} must be an integer in 0..2^32-1`);
}

function assertBytes(bytes: Uint8Array, length: number | undefined, what: string): void {
  if (!(bytes instanceof Uint8Array) || (length !== undefined ? bytes.length !== length : bytes.length === 0)) {
    throw malformed(length !== undefined ? `${what} must be ${length} bytes` : `${what} must not be empty`);
  }
}

// ── device list ──────────────────────────────────────────────────────────────

export function deviceListElement(devices: readonly DeviceListEntry[]): Element {
  if (devices.length > MAX_DEVICES_PER_LIST) throw malformed('too many devices for one list');
  const seen = new Set<number>();
  return xml(
    'devices',
    { xmlns: NS_OMEMO2 },
    ...devices.map((d) => {
      assertDeviceId(d.id, 'device id');
      if (seen.has(d.id)) throw malformed('device ids in a list must be unique');
      seen.add(d.id);
      if (d.label !== undefined && d.label.length > MAX_LABEL_LENGTH) throw malformed('device label is too long');
      return xml('device', { id: String(d.id), label: d.label || undefined });
    }),
  );
}

/** What parsing a device list kept, and how much of it had to be left out (for a log line). */
export interface ParsedDeviceList {
  readonly devices: DeviceListEntry[];
  /** Entries left out: id missing, not a decimal number or outside 1..2^31-1, or a repeated id. */
  readonly skipped: number;
  /** Devices kept without their label, which was unusable (longer than MAX_LABEL_LENGTH). */
  readonly labelsDropped: number;
  /** Valid devices left out because the list is longer than MAX_DEVICES_PER_LIST. */
  readonly overflow: number;
}

export interface ParseDeviceListOptions {
  /**
   * A device kept even when the list is longer than the cap, in place of the last one
   * that would have fit: our own device, when reading our own account's list.
   */
  readonly keepId?: number;
}

/** The entry's device id, or undefined when it is unusable. */
function entryId(device: Element): number | undefined {
  try {
    return intAttr(device, 'id', MIN_DEVICE_ID, MAX_DEVICE_ID);
  } catch {
    return undefined;
  }
}

/**
 * `<devices xmlns='urn:xmpp:omemo:2'>`, read entry by entry: the list is written by every
 * client of the account, so one entry another client got wrong must cost that entry, not
 * the list (XEP-0384 §5.3.1 — a client that drops the list would republish it without the
 * other devices). Unusable ids are skipped, an unusable label is dropped from a device that
 * is kept, a repeated id keeps its first entry, and at most MAX_DEVICES_PER_LIST devices are
 * kept. Only an element that is no device list at all is an XmppError('malformed').
 */
export function parseDeviceList(el: Element | undefined, options: ParseDeviceListOptions = {}): ParsedDeviceList {
  const list = expectElement(el, 'devices', NS_OMEMO2);
  const byId = new Map<number, DeviceListEntry>();
  let skipped = 0;
  let labelsDropped = 0;
  for (const device of list.getChildren('device', NS_OMEMO2)) {
    const id = entryId(device);
    if (id === undefined || byId.has(id)) {
      skipped += 1;
      continue;
    }
    const label = device.attrs.label;
    if (label !== undefined && label.length > MAX_LABEL_LENGTH) labelsDropped += 1;
    byId.set(id, label && label.length <= MAX_LABEL_LENGTH ? { id, label } : { id });
  }
  const all = [...byId.values()];
  let devices = all.slice(0, MAX_DEVICES_PER_LIST);
  const kept = options.keepId === undefined ? undefined : byId.get(options.keepId);
  if (kept && !devices.includes(kept)) devices = [...devices.slice(0, MAX_DEVICES_PER_LIST - 1), kept];
  return { devices, skipped, labelsDropped, overflow: all.length - devices.length };
}

// ── bundle ───────────────────────────────────────────────────────────────────

export function bundleElement(bundle: Bundle): Element {
  assertDeviceId(bundle.deviceId, 'bundle device id');
  assertKeyId(bundle.signedPreKey.id, 'signed pre-key id');
  assertBytes(bundle.identityKey, KEY_BYTES, 'identity key');
  assertBytes(bundle.signedPreKey.publicKey, KEY_BYTES, 'signed pre-key');
  assertBytes(bundle.signedPreKey.signature, SIGNATURE_BYTES, 'signed pre-key signature');
  if (bundle.preKeys.length === 0 || bundle.preKeys.length > MAX_PREKEYS_PER_BUNDLE) throw malformed('a bundle needs 1..1024 pre-keys');
  return xml(
    'bundle',
    { xmlns: NS_OMEMO2 },
    xml('spk', { id: String(bundle.signedPreKey.id) }, encodeBase64(bundle.signedPreKey.publicKey)),
    xml('spks', {}, encodeBase64(bundle.signedPreKey.signature)),
    xml('ik', {}, encodeBase64(bundle.identityKey)),
    xml(
      'prekeys',
      {},
      ...bundle.preKeys.map((pk) => {
        assertKeyId(pk.id, 'pre-key id');
        assertBytes(pk.publicKey, KEY_BYTES, 'pre-key');
        return xml('pk', { id: String(pk.id) }, encodeBase64(pk.publicKey));
      }),
    ),
  );
}

/** The bundle item's id is the device id (XEP-0384 §5.3.2). */
export function parseBundleItemId(itemId: string | undefined): number {
  if (itemId === undefined || !/^[1-9][0-9]{0,9}$/.test(itemId)) throw malformed('bundle item id is not a device id');
  const id = Number(itemId);
  assertDeviceId(id, 'bundle item id');
  return id;
}

/** `<bundle xmlns='urn:xmpp:omemo:2'>` published under item id `deviceId`. */
export function parseBundle(el: Element | undefined, deviceId: number): Bundle {
  assertDeviceId(deviceId, 'bundle device id');
  const bundle = expectElement(el, 'bundle', NS_OMEMO2);
  const spk = singleChild(bundle, 'spk');
  const prekeys = singleChild(bundle, 'prekeys');
  const pks = prekeys.getChildren('pk', NS_OMEMO2);
  if (pks.length === 0) throw malformed('the bundle has no pre-keys');
  if (pks.length > MAX_PREKEYS_PER_BUNDLE) throw malformed('the bundle has too many pre-keys');
  const seen = new Set<number>();
  const preKeys = pks.map((pk) => {
    const id = intAttr(pk, 'id', 0, MAX_KEY_ID);
    if (seen.has(id)) throw malformed('pre-key ids in a bundle must be unique');
    seen.add(id);
    return { id, publicKey: base64Text(pk, 'pre-key', KEY_BYTES) };
  });
  return {
    deviceId,
    identityKey: base64Text(singleChild(bundle, 'ik'), 'identity key', KEY_BYTES),
    signedPreKey: {
      id: intAttr(spk, 'id', 0, MAX_KEY_ID),
      publicKey: base64Text(spk, 'signed pre-key', KEY_BYTES),
      signature: base64Text(singleChild(bundle, 'spks'), 'signed pre-key signature', SIGNATURE_BYTES),
    },
    preKeys,
  };
}

// ── <encrypted> ──────────────────────────────────────────────────────────────

/**
 * `<encrypted>` for a message. `kex='true'` is written only for key exchanges: other clients
 * (twomemo 1.0.3) read any present `kex` attribute as true.
 */
export function encryptedElement(message: EncryptedMessage): Element {
  assertDeviceId(message.sender.deviceId, 'sender device id');
  if (message.keys.length === 0 || message.keys.length > MAX_KEYS_PER_MESSAGE) throw malformed('an encrypted message needs 1..4096 keys');
  const byJid = new Map<string, EncryptedKey[]>();
  for (const key of message.keys) {
    if (!isBareJid(key.address.jid)) throw malformed('recipient JIDs must be bare');
    assertDeviceId(key.address.deviceId, 'recipient device id');
    assertBytes(key.data, undefined, 'key data');
    const jid = bareJid(key.address.jid);
    byJid.set(jid, [...(byJid.get(jid) ?? []), key]);
  }
  if (message.payload !== null) assertBytes(message.payload, undefined, 'payload');
  return xml(
    'encrypted',
    { xmlns: NS_OMEMO2 },
    xml(
      'header',
      { sid: String(message.sender.deviceId) },
      ...[...byJid].map(([jid, keys]) =>
        xml('keys', { jid }, ...keys.map((k) => xml('key', { rid: String(k.address.deviceId), kex: k.kex ? 'true' : undefined }, encodeBase64(k.data)))),
      ),
    ),
    message.payload !== null && xml('payload', {}, encodeBase64(message.payload)),
  );
}

/** xs:boolean; true only for 'true' or '1'. */
function parseKex(value: string | undefined): boolean {
  if (value === undefined || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw malformed("<key kex> is not 'true', 'false', '1' or '0'");
}

/** `<encrypted xmlns='urn:xmpp:omemo:2'>` from `senderJid` (the stanza's bare 'from'). */
export function parseEncrypted(el: Element | undefined, senderJid: string): EncryptedMessage {
  const encrypted = expectElement(el, 'encrypted', NS_OMEMO2);
  const header = singleChild(encrypted, 'header');
  const sid = intAttr(header, 'sid', MIN_DEVICE_ID, MAX_DEVICE_ID);
  const keyGroups = header.getChildren('keys', NS_OMEMO2);
  if (keyGroups.length === 0) throw malformed('the header has no <keys>');
  const keys: EncryptedKey[] = [];
  const seen = new Set<string>();
  for (const group of keyGroups) {
    const rawJid = group.attrs.jid;
    if (!rawJid || !isBareJid(rawJid)) throw malformed('<keys jid> must be a bare JID');
    const jid = bareJid(rawJid);
    const entries = group.getChildren('key', NS_OMEMO2);
    if (entries.length === 0) throw malformed('<keys> without <key>');
    for (const key of entries) {
      const deviceId = intAttr(key, 'rid', MIN_DEVICE_ID, MAX_DEVICE_ID);
      const id = `${jid}/${deviceId}`;
      if (seen.has(id)) throw malformed('two keys for the same device');
      seen.add(id);
      keys.push({ address: { jid, deviceId }, kex: parseKex(key.attrs.kex), data: base64Text(key, 'key data') });
      if (keys.length > MAX_KEYS_PER_MESSAGE) throw malformed('too many keys');
    }
  }
  if (keys.some((k) => k.data.length === 0)) throw malformed('empty key data');
  const payloadEl = optionalChild(encrypted, 'payload');
  const payload = payloadEl ? base64Text(payloadEl, 'payload') : null;
  if (payload !== null && payload.length === 0) throw malformed('empty payload');
  return { sender: { jid: bareJid(senderJid), deviceId: sid }, payload, keys };
}
