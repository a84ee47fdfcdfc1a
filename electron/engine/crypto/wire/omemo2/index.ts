/**
 * The OMEMO:2 wire format (XEP-0384 v0.9, `urn:xmpp:omemo:2`), byte-compatible with
 * python-omemo's twomemo backend: Ed25519 identity keys, X3DH info "OMEMO X3DH", the OMEMO:2
 * Double Ratchet parameters and protobuf messages, and the "OMEMO Payload" encryption.
 */
import type { KeyExchangeCodec, WireFormat } from '../wire-format.js';
import { omemo2IdentityKey } from './identity-key.js';
import { omemo2Payload } from './payload.js';
import { decodeKeyExchange, encodeKeyExchange } from './proto.js';
import { omemo2RatchetParams } from './ratchet-params.js';

export const OMEMO2_NAMESPACE = 'urn:xmpp:omemo:2';
/** XEP-0384 §4.2, "info string"; twomemo StateImpl.INFO. */
export const OMEMO2_X3DH_INFO = 'OMEMO X3DH';

const omemo2KeyExchange: KeyExchangeCodec = { encode: encodeKeyExchange, decode: decodeKeyExchange };

export const omemo2Wire: WireFormat = {
  namespace: OMEMO2_NAMESPACE,
  x3dhInfo: OMEMO2_X3DH_INFO,
  identityKey: omemo2IdentityKey,
  payload: omemo2Payload,
  keyExchange: omemo2KeyExchange,
  ratchetParams: omemo2RatchetParams,
};

export { omemo2IdentityKey, omemo2Payload };
