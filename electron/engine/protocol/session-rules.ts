/**
 * The session rules of XEP-0384 §6 (Business Rules) that decide when the messaging layer
 * must answer a received message with an empty OMEMO message.
 */
import type { SessionRecord } from './session-record.js';

/**
 * "When a client receives the first message for a given ratchet key with a counter of 53 or
 * higher, it MUST send a heartbeat message" (XEP-0384 §6). We count messages received since
 * we last sent, which reaches 53 exactly when the peer's chain has not been answered for 53
 * messages; any message we send (a heartbeat too) resets it.
 */
export const HEARTBEAT_THRESHOLD = 53;

export type SessionResponse = 'none' | 'key-exchange-ack' | 'heartbeat';

/**
 * After a key exchange built (or repeated) a session we have not yet sent on, an empty
 * message tells the initiator it can stop sending key exchanges (XEP-0384 §6).
 */
export function responseTo(record: SessionRecord, receivedKeyExchange: boolean): SessionResponse {
  if (receivedKeyExchange && record.initiation === 'passive' && !record.hasSent) return 'key-exchange-ack';
  if (record.receivedSinceLastSend >= HEARTBEAT_THRESHOLD) return 'heartbeat';
  return 'none';
}
