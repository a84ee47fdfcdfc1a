/**
 * The session the crash child advances, behind one interface so the workload and its
 * invariant do not care which: the counter session below (its record is just the pair of
 * message counters, as a ratchet's holds chain indices) or the real OMEMO:2 double ratchet
 * on the store's ProtocolStore (crash-ratchet-session.ts). Every call runs inside the
 * caller's transaction and saves the advanced session there.
 */
import type { Store } from '../../electron/engine/store/index.js';
import { PEER } from './crash-workload.js';

export interface CrashSession {
  /** How many messages the committed state says were sent and received. */
  progress(store: Store): { sent: number; received: number };
  /** Encrypts outgoing message number `counter`; returns the stanza bytes to queue in the outbox. */
  encrypt(store: Store, counter: number, body: string): Uint8Array;
  /** Decrypts incoming message number `counter`: its body and the peer device that sent it. */
  decrypt(store: Store, counter: number): { body: string; senderDevice: number };
}

export const counterSession: CrashSession = {
  progress: (store) => counters(store.sessions.load(PEER)),
  encrypt(store, counter, body) {
    const { sent, received } = counters(store.sessions.load(PEER));
    if (counter !== sent + 1) throw new Error(`counter session: asked to send ${counter} after ${sent}`);
    store.sessions.save(PEER, encode(counter, received), Date.now());
    return new TextEncoder().encode(`<message counter='${counter}'>${body}</message>`);
  },
  decrypt(store, counter) {
    const { sent, received } = counters(store.sessions.load(PEER));
    if (counter !== received + 1) throw new Error(`counter session: asked to receive ${counter} after ${received}`);
    store.sessions.save(PEER, encode(sent, counter), Date.now());
    return { body: `incoming ${counter}`, senderDevice: PEER.deviceId };
  },
};

function counters(record: Uint8Array | undefined): { sent: number; received: number } {
  if (record === undefined) return { sent: 0, received: 0 };
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  return { sent: view.getUint32(0), received: view.getUint32(4) };
}

function encode(sent: number, received: number): Uint8Array {
  const record = new Uint8Array(8);
  const view = new DataView(record.buffer);
  view.setUint32(0, sent);
  view.setUint32(4, received);
  return record;
}
