/**
 * The small store interfaces the protocol core depends on (never on SQL). They are
 * synchronous on purpose: better-sqlite3 is synchronous, and a synchronous store lets the
 * messaging layer wrap "advance the ratchet + store the message" in one transaction.
 *
 * memory-store.ts implements them for unit tests; electron/engine/store/ implements them
 * on the encrypted SQLite database.
 */

/** One device of one account. `jid` is a bare JID; deviceId is in 1..2^31-1 (XEP-0384 §5.3.1). */
export interface DeviceAddress {
  readonly jid: string;
  readonly deviceId: number;
}

export const addressKey = (a: DeviceAddress): string => `${a.jid}/${a.deviceId}`;

/** This device's long-term identity (XEP-0384 §5.3.2: Ed25519). */
export interface OwnIdentity {
  readonly jid: string;
  readonly deviceId: number;
  /** Ed25519 seed (RFC 8032 private key), 32 bytes. Secret. */
  readonly identitySeed: Uint8Array;
  /** Ed25519 public key, 32 bytes. */
  readonly identityPublic: Uint8Array;
}

export interface StoredPreKey {
  readonly id: number;
  readonly privateKey: Uint8Array; // X25519
  readonly publicKey: Uint8Array;
  /** Set when a key exchange used it; deleted after archive catch-up (XEP-0384 §4.6). */
  readonly usedAt?: number;
}

export interface StoredSignedPreKey {
  readonly id: number;
  readonly privateKey: Uint8Array; // X25519
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array; // Ed25519 signature by the identity key over the public key
  readonly createdAt: number;
  /** Set when a newer signed pre-key replaced it; kept for a grace period, then deleted. */
  readonly retiredAt?: number;
}

export interface IdentityStore {
  getOwnIdentity(): OwnIdentity | undefined;
  saveOwnIdentity(identity: OwnIdentity): void;
  /** The Ed25519 identity key last seen for a remote device, if any. */
  getRemoteIdentity(address: DeviceAddress): Uint8Array | undefined;
  saveRemoteIdentity(address: DeviceAddress, identityPublic: Uint8Array): void;
}

export interface PreKeyStore {
  getPreKey(id: number): StoredPreKey | undefined;
  /** All pre-keys not yet deleted (used or not). */
  listPreKeys(): StoredPreKey[];
  savePreKey(preKey: StoredPreKey): void;
  markPreKeyUsed(id: number, at: number): void;
  deletePreKey(id: number): void;
}

export interface SignedPreKeyStore {
  getSignedPreKey(id: number): StoredSignedPreKey | undefined;
  listSignedPreKeys(): StoredSignedPreKey[];
  saveSignedPreKey(key: StoredSignedPreKey): void;
  deleteSignedPreKey(id: number): void;
}

/**
 * A session record is opaque bytes to the store (the protocol core owns its encoding,
 * skipped message keys included). The SQLite store may keep it in any shape it likes as
 * long as load returns what save was given.
 */
export interface SessionStore {
  loadSession(address: DeviceAddress): Uint8Array | undefined;
  saveSession(address: DeviceAddress, record: Uint8Array): void;
  deleteSession(address: DeviceAddress): void;
  listSessionDevices(jid: string): number[];
}

export interface ProtocolStore extends IdentityStore, PreKeyStore, SignedPreKeyStore, SessionStore {}
