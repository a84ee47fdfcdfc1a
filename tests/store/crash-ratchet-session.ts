/**
 * The real session for the crash test: the OMEMO:2 double ratchet of the protocol core on
 * the SQLite store's ProtocolStore, talking to the two devices of PEER's account. Incoming
 * messages come from a feed of ciphertexts the peer produced in advance (crash-peer.ts);
 * outgoing ones are encrypted for both peer devices and queued as stanza bytes.
 */
import { defaultBackend } from '../../electron/engine/crypto/backend/index.js';
import { omemo2Wire } from '../../electron/engine/crypto/wire/omemo2/index.js';
import { decryptMessage, encryptMessage, type DeviceAddress, type EncryptedMessage, type ProtocolContext } from '../../electron/engine/protocol/index.js';
import type { Store } from '../../electron/engine/store/index.js';
import type { CrashSession } from './crash-session.js';
import { PEER } from './crash-workload.js';

/** Both devices of the peer's account; the feed alternates between them (odd counters: the first). */
export const PEER_DEVICES: readonly DeviceAddress[] = [PEER, { jid: PEER.jid, deviceId: PEER.deviceId + 1 }];

/** One incoming message as the archive would hand it over: the sender device, our `<key>` and the payload. */
export interface FeedEntry {
  readonly from: number;
  readonly kex: boolean;
  readonly data: Uint8Array;
  readonly payload: Uint8Array | null;
}

/** The incoming messages from `first` on, as handed to the child in a file. */
export interface Feed {
  readonly first: number;
  readonly entries: readonly FeedEntry[];
}

export const feedEntry = (feed: Feed, counter: number): FeedEntry | undefined => feed.entries[counter - feed.first];

export const protocolContext = (store: Store): ProtocolContext => ({ store: store.protocol, wire: omemo2Wire, backend: defaultBackend(), now: Date.now });

export function ratchetSession(feed: () => Feed): CrashSession {
  return {
    progress: (store) => ({
      sent: contiguousCount((n) => store.messages.get(`out-${n}`) !== undefined),
      received: contiguousCount((n) => store.messages.get(`in-${n}`) !== undefined),
    }),
    encrypt: (store, _counter, body) => encodeStanza(encryptMessage(protocolContext(store), utf8.encode(body), PEER_DEVICES)),
    decrypt(store, counter) {
      const entry = feedEntry(feed(), counter);
      if (entry === undefined) throw new Error(`the peer has not sent message ${counter}`);
      const sender = { jid: PEER.jid, deviceId: entry.from };
      const { envelope } = decryptMessage(protocolContext(store), sender, { kex: entry.kex, data: entry.data }, entry.payload);
      return { body: envelope === null ? '' : utf8.decode(envelope), senderDevice: entry.from };
    },
  };
}

/**
 * The n such that 1..n exist and n+1 does not, in O(log n) look-ups. Assumes the ids are
 * gap-free; the crash invariant checks that separately.
 */
function contiguousCount(exists: (n: number) => boolean): number {
  if (!exists(1)) return 0;
  let low = 1;
  let high = 2;
  while (exists(high)) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (exists(middle)) low = middle;
    else high = middle;
  }
  return low;
}

const utf8 = { encode: (text: string) => new TextEncoder().encode(text), decode: (bytes: Uint8Array) => new TextDecoder().decode(bytes) };
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const unb64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

/** The `<encrypted>` element as bytes (JSON stands in for the XML the XMPP layer would write). */
export function encodeStanza(message: EncryptedMessage): Uint8Array {
  return utf8.encode(JSON.stringify({
    sender: message.sender,
    payload: message.payload && b64(message.payload),
    keys: message.keys.map((k) => ({ address: k.address, kex: k.kex, data: b64(k.data) })),
  }));
}

export function decodeStanza(bytes: Uint8Array): EncryptedMessage {
  const json = JSON.parse(utf8.decode(bytes)) as { sender: DeviceAddress; payload: string | null; keys: { address: DeviceAddress; kex: boolean; data: string }[] };
  return { sender: json.sender, payload: json.payload === null ? null : unb64(json.payload), keys: json.keys.map((k) => ({ ...k, data: unb64(k.data) })) };
}

export function encodeFeed(feed: Feed): string {
  return JSON.stringify({ first: feed.first, entries: feed.entries.map((e) => ({ from: e.from, kex: e.kex, data: b64(e.data), payload: e.payload && b64(e.payload) })) });
}

export function decodeFeed(text: string): Feed {
  const json = JSON.parse(text) as { first: number; entries: { from: number; kex: boolean; data: string; payload: string | null }[] };
  return { first: json.first, entries: json.entries.map((e) => ({ from: e.from, kex: e.kex, data: unb64(e.data), payload: e.payload === null ? null : unb64(e.payload) })) };
}
