/**
 * OMEMO:2 elements ↔ protocol data (XEP-0384 §5.3): the device list, the bundle and
 * `<encrypted>`. Stand-in until xmpp/omemo2-elements.ts lands; parsing is strict and throws
 * XmppError('malformed') so a bad element is dropped, never half-used.
 */
import type { Element } from '@xmpp/xml';
import { isValidKeyId, MAX_KEY_ID, MIN_KEY_ID } from '../crypto/limits.js';
import type { Bundle, EncryptedKey, EncryptedMessage } from '../protocol/index.js';
import { XmppError } from '../xmpp/errors.js';
import { bareJid } from '../xmpp/jid.js';
import { base64Text, encodeBase64, expectElement, intAttr, optionalChild, singleChild, xml } from '../xmpp/xml.js';
import { NS_OMEMO2 } from './namespaces.js';

/** Device lists larger than this are cut (stale entries of other clients must not cost us unbounded work). */
export const MAX_DEVICE_LIST_ENTRIES = 1000;
/** A bundle with more one-time pre-keys than this is suspicious; XEP-0384 §5.3.2 asks for at least 25. */
const MAX_BUNDLE_PRE_KEYS = 1000;

export interface DeviceListEntry {
  readonly deviceId: number;
  readonly label?: string;
}

export function deviceListElement(entries: readonly DeviceListEntry[]): Element {
  return xml(
    'devices',
    { xmlns: NS_OMEMO2 },
    ...entries.map((e) => xml('device', { id: String(e.deviceId), ...(e.label ? { label: e.label } : {}) })),
  );
}

/** Entries with an invalid or duplicate id are skipped: one bad entry must not hide the others. */
export function parseDeviceList(el: Element): DeviceListEntry[] {
  expectElement(el, 'devices', NS_OMEMO2);
  const seen = new Set<number>();
  const entries: DeviceListEntry[] = [];
  for (const device of el.getChildren('device', NS_OMEMO2)) {
    if (entries.length >= MAX_DEVICE_LIST_ENTRIES) break;
    let deviceId: number;
    try {
      deviceId = intAttr(device, 'id', MIN_KEY_ID, MAX_KEY_ID);
    } catch {
      continue;
    }
    if (seen.has(deviceId)) continue;
    seen.add(deviceId);
    const label = device.attrs.label;
    entries.push(label ? { deviceId, label: label.slice(0, 64) } : { deviceId });
  }
  return entries;
}

export function bundleElement(bundle: Bundle): Element {
  const spk = bundle.signedPreKey;
  return xml(
    'bundle',
    { xmlns: NS_OMEMO2 },
    xml('spk', { id: String(spk.id) }, encodeBase64(spk.publicKey)),
    xml('spks', {}, encodeBase64(spk.signature)),
    xml('ik', {}, encodeBase64(bundle.identityKey)),
    xml('prekeys', {}, ...bundle.preKeys.map((pk) => xml('pk', { id: String(pk.id) }, encodeBase64(pk.publicKey)))),
  );
}

/** Key lengths are checked by the protocol core (validateBundle); here only the shape. */
export function parseBundle(el: Element, deviceId: number): Bundle {
  expectElement(el, 'bundle', NS_OMEMO2);
  const spk = singleChild(el, 'spk');
  const preKeys = singleChild(el, 'prekeys').getChildren('pk', NS_OMEMO2);
  if (preKeys.length === 0 || preKeys.length > MAX_BUNDLE_PRE_KEYS) throw new XmppError('malformed', 'bundle has no usable pre-key list');
  return {
    deviceId,
    identityKey: base64Text(singleChild(el, 'ik'), '<ik>'),
    signedPreKey: {
      id: intAttr(spk, 'id', MIN_KEY_ID, MAX_KEY_ID),
      publicKey: base64Text(spk, '<spk>'),
      signature: base64Text(singleChild(el, 'spks'), '<spks>'),
    },
    preKeys: preKeys.map((pk) => ({ id: intAttr(pk, 'id', MIN_KEY_ID, MAX_KEY_ID), publicKey: base64Text(pk, '<pk>') })),
  };
}

/** `<encrypted>` with one `<keys jid>` per recipient account (XEP-0384 §5.4). */
export function encryptedElement(message: EncryptedMessage): Element {
  const byJid = new Map<string, EncryptedKey[]>();
  for (const key of message.keys) {
    const list = byJid.get(key.address.jid) ?? [];
    list.push(key);
    byJid.set(key.address.jid, list);
  }
  return xml(
    'encrypted',
    { xmlns: NS_OMEMO2 },
    xml(
      'header',
      { sid: String(message.sender.deviceId) },
      ...[...byJid].map(([jid, keys]) =>
        xml('keys', { jid }, ...keys.map((k) => xml('key', { rid: String(k.address.deviceId), ...(k.kex ? { kex: 'true' } : {}) }, encodeBase64(k.data)))),
      ),
    ),
    message.payload === null ? undefined : xml('payload', {}, encodeBase64(message.payload)),
  );
}

/** `senderJid` is the bare JID the stanza came from (the element does not name it). */
export function parseEncrypted(el: Element, senderJid: string): EncryptedMessage {
  expectElement(el, 'encrypted', NS_OMEMO2);
  const header = singleChild(el, 'header');
  const sid = intAttr(header, 'sid', MIN_KEY_ID, MAX_KEY_ID);
  const keys: EncryptedKey[] = [];
  for (const group of header.getChildren('keys', NS_OMEMO2)) {
    const jid = group.attrs.jid;
    if (!jid) throw new XmppError('malformed', '<keys> lacks the jid attribute');
    const bare = bareJid(jid);
    for (const key of group.getChildren('key', NS_OMEMO2)) {
      const kex = key.attrs.kex;
      if (kex !== undefined && kex !== 'true' && kex !== 'false' && kex !== '1' && kex !== '0') throw new XmppError('malformed', '<key kex> is not a boolean');
      const deviceId = intAttr(key, 'rid', MIN_KEY_ID, MAX_KEY_ID);
      keys.push({ address: { jid: bare, deviceId }, kex: kex === 'true' || kex === '1', data: base64Text(key, '<key>') });
    }
  }
  const payload = optionalChild(el, 'payload');
  if (!isValidKeyId(sid)) throw new XmppError('malformed', 'invalid sender device id');
  return { sender: { jid: bareJid(senderJid), deviceId: sid }, payload: payload ? base64Text(payload, '<payload>') : null, keys };
}
