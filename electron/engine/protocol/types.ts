/**
 * Plain data types shared by the protocol layer, the store and the XMPP layer.
 * All keys are raw bytes; XML/base64 encoding is the XMPP layer's job.
 */
import type { DeviceAddress } from './store.js';

/** A device's published bundle (XEP-0384 §5.3.2, `<bundle xmlns='urn:xmpp:omemo:2'>`). */
export interface Bundle {
  readonly deviceId: number;
  /** Ed25519 identity public key (`<ik>`). */
  readonly identityKey: Uint8Array;
  readonly signedPreKey: {
    readonly id: number;
    /** X25519 public key (`<spk>`). */
    readonly publicKey: Uint8Array;
    /** Ed25519 signature of the identity key over publicKey (`<spks>`). */
    readonly signature: Uint8Array;
  };
  readonly preKeys: readonly { readonly id: number; readonly publicKey: Uint8Array }[];
}

/** One `<key rid=… kex=…>` of an `<encrypted>` element. */
export interface EncryptedKey {
  readonly address: DeviceAddress;
  /** True when `data` is an OMEMOKeyExchange, false for an OMEMOAuthenticatedMessage. */
  readonly kex: boolean;
  readonly data: Uint8Array;
}

/** Everything of an `<encrypted>` element. payload null = an empty OMEMO message (XEP-0384 §4.7). */
export interface EncryptedMessage {
  readonly sender: DeviceAddress;
  readonly payload: Uint8Array | null;
  readonly keys: readonly EncryptedKey[];
}
