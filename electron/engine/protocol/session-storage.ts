/** Session records in the SessionStore, decoded and encoded at the boundary. */
import { decodeSessionRecord, encodeSessionRecord } from './session-record-codec.js';
import type { SessionRecord } from './session-record.js';
import type { DeviceAddress, SessionStore } from './store.js';

export function loadSessionRecord(store: SessionStore, address: DeviceAddress): SessionRecord | undefined {
  const bytes = store.loadSession(address);
  return bytes && decodeSessionRecord(bytes);
}

export function saveSessionRecord(store: SessionStore, address: DeviceAddress, record: SessionRecord): void {
  store.saveSession(address, encodeSessionRecord(record));
}
