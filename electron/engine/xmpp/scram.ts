/**
 * SCRAM client (RFC 5802; SHA-256 variant RFC 7677) without channel binding ('n,,').
 * Unlike xmpp.js 0.14's SCRAM-SHA-1, this verifies the server signature, so a server that
 * does not know the password cannot complete the login.
 */
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { XmppError } from './errors.js';

export type ScramHash = 'sha1' | 'sha256';

export const SCRAM_MECHANISMS: Readonly<Record<string, ScramHash>> = {
  'SCRAM-SHA-256': 'sha256',
  'SCRAM-SHA-1': 'sha1',
};

/** Iteration counts accepted from a server: below is a downgrade, above is a CPU trap. */
export const MIN_ITERATIONS = 4096;
export const MAX_ITERATIONS = 1_000_000;

const pbkdf2Async = promisify(pbkdf2);
const HASH_BYTES: Record<ScramHash, number> = { sha1: 20, sha256: 32 };
const GS2_HEADER = 'n,,';

const protocolError = (what: string): XmppError => new XmppError('protocol', `SCRAM: ${what}`);

/**
 * A light SASLprep (RFC 4013): non-ASCII spaces become U+0020, "mapped to nothing"
 * characters go, NFKC; control characters are refused. Identity for ASCII passwords.
 */
const NON_ASCII_SPACES = new Set([0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x200b, 0x202f, 0x205f, 0x3000]);
/** RFC 3454 table B.1 ("commonly mapped to nothing"). */
const MAPPED_TO_NOTHING = new Set([0xad, 0x34f, 0x1806, 0x180b, 0x180c, 0x180d, 0x200c, 0x200d, 0x2060, 0xfeff, ...Array.from({ length: 16 }, (_, i) => 0xfe00 + i)]);

export function saslPrep(value: string): string {
  let mapped = '';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (MAPPED_TO_NOTHING.has(cp)) continue;
    mapped += NON_ASCII_SPACES.has(cp) ? ' ' : ch;
  }
  mapped = mapped.normalize('NFKC');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001F\u007F-\u009F]/.test(mapped)) throw new XmppError('auth-failed', 'the user name or password contains control characters');
  return mapped;
}

/** RFC 5802 §5.1 saslname: ',' and '=' escaped. */
const saslName = (name: string): string => saslPrep(name).replace(/=/g, '=3D').replace(/,/g, '=2C');

function parseAttributes(message: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const part of message.split(',')) {
    const match = /^([A-Za-z])=(.*)$/s.exec(part);
    if (!match) throw protocolError('malformed server message');
    if (!attrs.has(match[1]!)) attrs.set(match[1]!, match[2]!);
  }
  return attrs;
}

export interface ScramClient {
  readonly mechanism: string;
  /** client-first-message (with GS2 header). */
  readonly clientFirst: string;
  /** Consumes server-first-message, returns client-final-message. */
  respond(serverFirst: string): Promise<string>;
  /** Checks server-final-message ('v=…'); throws unless the server proved it knows the password. */
  verify(serverFinal: string): void;
}

export function createScramClient(
  mechanism: string,
  username: string,
  password: string,
  clientNonce: string = randomBytes(24).toString('base64'),
): ScramClient {
  const hash = SCRAM_MECHANISMS[mechanism];
  if (!hash) throw protocolError(`unsupported mechanism ${mechanism}`);
  const clientFirstBare = `n=${saslName(username)},r=${clientNonce}`;
  const hmac = (key: Uint8Array, data: string | Uint8Array): Buffer => createHmac(hash, key).update(data).digest();
  let expectedServerSignature: Buffer | undefined;

  return {
    mechanism,
    clientFirst: GS2_HEADER + clientFirstBare,
    async respond(serverFirst) {
      const attrs = parseAttributes(serverFirst);
      if (attrs.has('m')) throw protocolError('the server requires an unsupported extension');
      const nonce = attrs.get('r');
      const saltText = attrs.get('s');
      const iterationsText = attrs.get('i');
      if (!nonce || !saltText || !iterationsText) throw protocolError('server-first-message lacks r, s or i');
      if (!nonce.startsWith(clientNonce) || nonce.length <= clientNonce.length) throw protocolError('the server nonce does not extend ours');
      if (!/^[1-9][0-9]{0,8}$/.test(iterationsText)) throw protocolError('bad iteration count');
      const iterations = Number(iterationsText);
      if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) throw protocolError('iteration count outside the accepted range');
      const salt = Buffer.from(saltText, 'base64');
      if (salt.length === 0 || salt.toString('base64') !== saltText) throw protocolError('bad salt');

      const saltedPassword = await pbkdf2Async(saslPrep(password), salt, iterations, HASH_BYTES[hash], hash);
      const clientKey = hmac(saltedPassword, 'Client Key');
      const storedKey = createHash(hash).update(clientKey).digest();
      const clientFinalWithoutProof = `c=${Buffer.from(GS2_HEADER).toString('base64')},r=${nonce}`;
      const authMessage = `${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;
      const clientSignature = hmac(storedKey, authMessage);
      const proof = Buffer.alloc(clientKey.length);
      for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ clientSignature[i]!;
      expectedServerSignature = hmac(hmac(saltedPassword, 'Server Key'), authMessage);
      saltedPassword.fill(0);
      clientKey.fill(0);
      return `${clientFinalWithoutProof},p=${proof.toString('base64')}`;
    },
    verify(serverFinal) {
      const attrs = parseAttributes(serverFinal);
      if (attrs.has('e')) throw new XmppError('auth-failed', 'the server rejected the credentials');
      const signature = Buffer.from(attrs.get('v') ?? '', 'base64');
      if (!expectedServerSignature) throw protocolError('server-final-message before server-first-message');
      if (signature.length !== expectedServerSignature.length || !timingSafeEqual(signature, expectedServerSignature)) {
        throw protocolError('the server signature does not verify (the server does not know the password)');
      }
    },
  };
}
