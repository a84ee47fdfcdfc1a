/**
 * The OMEMO:2 protobuf messages (XEP-0384 v0.9, "Protobuf Schema"; identical to twomemo.proto),
 * proto2 semantics: required fields must be present or decoding fails. The schema is parsed at
 * load time through protobufjs reflection, so there is no code generation step.
 */
import protobuf from 'protobufjs';
import { CryptoError } from '../../errors.js';

const SCHEMA = `
syntax = "proto2";
package twomemo;

message OMEMOMessage {
  required uint32 n          = 1;
  required uint32 pn         = 2;
  required bytes  dh_pub     = 3;
  optional bytes  ciphertext = 4;
}

message OMEMOAuthenticatedMessage {
  required bytes mac     = 1;
  required bytes message = 2; // a serialized OMEMOMessage
}

message OMEMOKeyExchange {
  required uint32 pk_id  = 1;
  required uint32 spk_id = 2;
  required bytes  ik     = 3;
  required bytes  ek     = 4;
  required OMEMOAuthenticatedMessage message = 5;
}
`;

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
const OmemoMessageType = root.lookupType('twomemo.OMEMOMessage');
const AuthenticatedMessageType = root.lookupType('twomemo.OMEMOAuthenticatedMessage');
const KeyExchangeType = root.lookupType('twomemo.OMEMOKeyExchange');

/** X25519 / Ed25519 public keys on the wire are bare 32 bytes in OMEMO:2 (no 0x05 type prefix). */
export const PUBLIC_KEY_LENGTH = 32;
/** HMAC-SHA-256 truncated to 16 bytes (XEP-0384 v0.9 "Double Ratchet", ENCRYPT; twomemo AUTHENTICATION_TAG_TRUNCATED_LENGTH). */
export const MAC_LENGTH = 16;

const UINT32_MAX = 0xffff_ffff;

export interface OmemoMessage {
  readonly n: number;
  readonly pn: number;
  readonly dhPub: Uint8Array;
  /** Absent in the header-only form that is part of the associated data. */
  readonly ciphertext?: Uint8Array;
}

export interface AuthenticatedMessage {
  readonly mac: Uint8Array;
  /** The serialized OMEMOMessage, exactly as MACed. */
  readonly message: Uint8Array;
}

export interface KeyExchange {
  readonly pkId: number;
  readonly spkId: number;
  readonly ik: Uint8Array;
  readonly ek: Uint8Array;
  /** The serialized OMEMOAuthenticatedMessage. */
  readonly message: Uint8Array;
}

export function encodeOmemoMessage(message: OmemoMessage): Uint8Array {
  checkUint32(message.n, 'n');
  checkUint32(message.pn, 'pn');
  checkLength(message.dhPub, PUBLIC_KEY_LENGTH, 'dh_pub');
  const fields: Record<string, unknown> = { n: message.n, pn: message.pn, dh_pub: message.dhPub };
  if (message.ciphertext !== undefined) fields['ciphertext'] = message.ciphertext;
  return finish(OmemoMessageType.encode(fields));
}

export function decodeOmemoMessage(bytes: Uint8Array): OmemoMessage {
  const m = decode(OmemoMessageType, bytes, 'OMEMOMessage');
  const dhPub = checkLength(bytesField(m, 'dh_pub'), PUBLIC_KEY_LENGTH, 'dh_pub');
  const n = m['n'] as number;
  const pn = m['pn'] as number;
  return has(m, 'ciphertext') ? { n, pn, dhPub, ciphertext: bytesField(m, 'ciphertext') } : { n, pn, dhPub };
}

export function encodeAuthenticatedMessage(message: AuthenticatedMessage): Uint8Array {
  checkLength(message.mac, MAC_LENGTH, 'mac');
  return finish(AuthenticatedMessageType.encode({ mac: message.mac, message: message.message }));
}

export function decodeAuthenticatedMessage(bytes: Uint8Array): AuthenticatedMessage {
  const m = decode(AuthenticatedMessageType, bytes, 'OMEMOAuthenticatedMessage');
  return { mac: checkLength(bytesField(m, 'mac'), MAC_LENGTH, 'mac'), message: bytesField(m, 'message') };
}

export function encodeKeyExchange(keyExchange: KeyExchange): Uint8Array {
  checkUint32(keyExchange.pkId, 'pk_id');
  checkUint32(keyExchange.spkId, 'spk_id');
  checkLength(keyExchange.ik, PUBLIC_KEY_LENGTH, 'ik');
  checkLength(keyExchange.ek, PUBLIC_KEY_LENGTH, 'ek');
  // Re-encoding the embedded message field by field keeps the bytes identical to twomemo's.
  const inner = decodeAuthenticatedMessage(keyExchange.message);
  return finish(
    KeyExchangeType.encode({
      pk_id: keyExchange.pkId,
      spk_id: keyExchange.spkId,
      ik: keyExchange.ik,
      ek: keyExchange.ek,
      message: { mac: inner.mac, message: inner.message },
    }),
  );
}

export function decodeKeyExchange(bytes: Uint8Array): KeyExchange {
  const m = decode(KeyExchangeType, bytes, 'OMEMOKeyExchange');
  const inner = m['message'] as protobuf.Message & Record<string, unknown>;
  return {
    pkId: m['pk_id'] as number,
    spkId: m['spk_id'] as number,
    ik: checkLength(bytesField(m, 'ik'), PUBLIC_KEY_LENGTH, 'ik'),
    ek: checkLength(bytesField(m, 'ek'), PUBLIC_KEY_LENGTH, 'ek'),
    message: encodeAuthenticatedMessage({
      mac: checkLength(bytesField(inner, 'mac'), MAC_LENGTH, 'mac'),
      message: bytesField(inner, 'message'),
    }),
  };
}

type Decoded = protobuf.Message & Record<string, unknown>;

function decode(type: protobuf.Type, bytes: Uint8Array, what: string): Decoded {
  if (!(bytes instanceof Uint8Array)) throw new CryptoError('malformed', `${what} must be bytes`);
  try {
    return type.decode(bytes) as Decoded;
  } catch {
    // protobufjs throws on truncation, bad wire types and missing required fields (proto2).
    throw new CryptoError('malformed', `${what} does not parse`);
  }
}

function has(m: Decoded, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, field);
}

/** Decoded bytes come back as views into the input (Buffer in Node); hand out plain Uint8Array views. */
function bytesField(m: Decoded, field: string): Uint8Array {
  return asUint8Array(m[field] as Uint8Array);
}

function finish(writer: protobuf.Writer): Uint8Array {
  return asUint8Array(writer.finish());
}

function asUint8Array(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function checkLength(bytes: Uint8Array, length: number, field: string): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new CryptoError('malformed', `${field} must be ${length} bytes`);
  }
  return bytes;
}

function checkUint32(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
    throw new CryptoError('malformed', `${field} must be a uint32`);
  }
}
