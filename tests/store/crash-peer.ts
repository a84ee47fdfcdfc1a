/**
 * The peer of the ratchet crash test: PEER's two devices, on memory stores in the parent
 * process, so their state survives every kill of the child. They start the sessions from
 * the child's bundle, write the child's incoming messages in advance (the feed), and play
 * the server and the recipient for what the child sent: decrypt every outbox stanza in
 * order, then acknowledge it in the child's store.
 */
import { nodeBackend } from '../../electron/engine/crypto/backend/index.js';
import { omemo2Wire } from '../../electron/engine/crypto/wire/omemo2/index.js';
import {
  buildSession,
  createDevice,
  decodeSessionRecord,
  decryptMessage,
  encryptMessage,
  MemoryProtocolStore,
  type Bundle,
  type ProtocolContext,
  type ProtocolStore,
} from '../../electron/engine/protocol/index.js';
import type { Store } from '../../electron/engine/store/index.js';
import { decodeStanza, PEER_DEVICES, type Feed, type FeedEntry } from './crash-ratchet-session.js';
import { incomingBody, OWN, outgoingBody, outgoingMessageId } from './crash-workload.js';

export interface CrashPeer {
  /** The incoming messages for the child from `first` on (what the next run may need). */
  feed(first: number): Feed;
  /** Makes sure the feed holds messages 1..count (new ones go out on the peer's current ratchet step). */
  writeUpTo(count: number): void;
  /** Decrypts, on every peer device, each outgoing message still in the outbox, in order, and acknowledges it. */
  deliverOutbox(store: Store): void;
  /** How many of the child's messages the peer has decrypted. */
  readonly delivered: number;
  /** Message keys the peer devices hold for skipped messages of the child: any means one was lost. */
  skippedKeys(): number;
}

export function createPeer(childBundle: Bundle): CrashPeer {
  const devices = PEER_DEVICES.map((address, i) => {
    const ctx: ProtocolContext = { store: new MemoryProtocolStore(), wire: omemo2Wire, backend: nodeBackend, now: Date.now };
    createDevice(ctx, { jid: address.jid, deviceId: address.deviceId, preKeyCount: 1 });
    // One distinct pre-key each: two key exchanges naming the same pre-key would be refused.
    buildSession(ctx, OWN, { ...childBundle, preKeys: [childBundle.preKeys[i]!] });
    return { address, ctx };
  });
  const entries: FeedEntry[] = [];
  let delivered = 0;

  return {
    feed: (first) => ({ first, entries: entries.slice(first - 1) }),
    writeUpTo(count) {
      while (entries.length < count) {
        const counter = entries.length + 1;
        const device = devices[(counter - 1) % devices.length]!;
        const message = encryptMessage(device.ctx, new TextEncoder().encode(incomingBody(counter)), [OWN]);
        const [key] = message.keys;
        entries.push({ from: device.address.deviceId, kex: key!.kex, data: key!.data, payload: message.payload });
      }
    },
    deliverOutbox(store) {
      const queued = store.outbox.list().map((entry) => ({ entry, counter: Number(entry.messageId.split('-')[1]) }));
      for (const { entry, counter } of queued.sort((a, b) => a.counter - b.counter)) {
        if (counter !== delivered + 1) throw new Error(`the outbox holds ${entry.messageId} but the peer expected ${outgoingMessageId(delivered + 1)}`);
        const stanza = decodeStanza(entry.payload);
        for (const { address, ctx } of devices) {
          const key = stanza.keys.find((k) => k.address.deviceId === address.deviceId);
          if (key === undefined) throw new Error(`${entry.messageId} was not encrypted for device ${address.deviceId}`);
          const { envelope } = decryptMessage(ctx, stanza.sender, key, stanza.payload);
          const body = envelope === null ? null : new TextDecoder().decode(envelope);
          if (body !== outgoingBody(counter)) throw new Error(`device ${address.deviceId} read ${entry.messageId} as ${JSON.stringify(body)}`);
        }
        delivered = counter;
        store.transaction(() => {
          store.outbox.acknowledge(entry.messageId);
          store.messages.setState(entry.messageId, 'sent');
        });
      }
    },
    get delivered() {
      return delivered;
    },
    skippedKeys: () => devices.reduce((sum, { ctx }) => sum + skippedKeysOf(ctx.store), 0),
  };
}

/** Message keys `store` keeps for skipped messages in its sessions with `peers`: in-order delivery leaves none. */
export function skippedKeysOf(store: ProtocolStore, peers: readonly { jid: string; deviceId: number }[] = [OWN]): number {
  return peers.reduce((sum, address) => {
    const record = store.loadSession(address);
    return sum + (record === undefined ? 0 : decodeSessionRecord(record).ratchet.skipped.length);
  }, 0);
}
