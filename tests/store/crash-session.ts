/**
 * The session the crash child advances. The store sees only opaque record bytes, so any
 * session can be plugged in: this counter session stands in for a double ratchet (its record
 * is the pair of message counters, as a ratchet's would contain its chain indices). A real
 * ratchet session implements the same interface; `receive` then also plays the peer, which
 * produces the next message for us to decrypt.
 */
export interface CrashSession {
  /** Encrypts the next outgoing message: the advanced record, the counter it used, the stanza bytes. */
  send(record: Uint8Array | undefined): { record: Uint8Array; counter: number; payload: Uint8Array };
  /** Consumes the next incoming message: the advanced record and the counter it carried. */
  receive(record: Uint8Array | undefined): { record: Uint8Array; counter: number };
  /** How far a stored record has advanced, for the invariant check. */
  counters(record: Uint8Array | undefined): { sent: number; received: number };
}

export const counterSession: CrashSession = {
  send(record) {
    const { sent, received } = counterSession.counters(record);
    const counter = sent + 1;
    return { record: encode(counter, received), counter, payload: new TextEncoder().encode(`<message counter='${counter}'/>`) };
  },
  receive(record) {
    const { sent, received } = counterSession.counters(record);
    return { record: encode(sent, received + 1), counter: received + 1 };
  },
  counters(record) {
    if (record === undefined) return { sent: 0, received: 0 };
    const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
    return { sent: view.getUint32(0), received: view.getUint32(4) };
  },
};

function encode(sent: number, received: number): Uint8Array {
  const record = new Uint8Array(8);
  const view = new DataView(record.buffer);
  view.setUint32(0, sent);
  view.setUint32(4, received);
  return record;
}
