/**
 * What the protocol figures could reach if Parley did nothing but the primitive calls the spec
 * requires (`npm run bench -- --only floor`): raw node:crypto, no state, no wire format, no
 * store, no wiping, inputs prepared up front. Measured like protocol.ts (wall clock, median of
 * several runs), so each `floor_*` figure is the bound for the figure of the same name there.
 * docs/performance.md explains why the gap between the two cannot close on node:crypto.
 */
import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, diffieHellman, hkdfSync, sign, verify, type KeyObject } from 'node:crypto';
import { identityX25519Private, identityX25519Public } from '../electron/engine/crypto/identity.js';
import { pooledRandomBytes } from '../electron/engine/crypto/random-pool.js';
import { medianMs, progress, round } from './util.js';

const ZERO_SALT = Buffer.alloc(32);
const ROOT_INFO = Buffer.from('OMEMO Root Chain');
const MESSAGE_INFO = Buffer.from('OMEMO Message Key Material');
const PAYLOAD_INFO = Buffer.from('OMEMO Payload');
const X3DH_INFO = Buffer.from('OMEMO X3DH');
const ONE = Buffer.of(1);
const TWO = Buffer.of(2);
const AD = pooledRandomBytes(64);
const PLAINTEXT = pooledRandomBytes(100);
/** A serialized OMEMOMessage around a 100-byte plaintext is about this long. */
const MESSAGE = pooledRandomBytes(150);
const PLACEHOLDER_X = Buffer.alloc(32, 9).toString('base64url');

const b64u = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
const importPrivate = (crv: 'X25519' | 'Ed25519', d: Uint8Array): KeyObject =>
  createPrivateKey({ key: { kty: 'OKP', crv, d: b64u(d), x: PLACEHOLDER_X }, format: 'jwk' });
const importPublic = (crv: 'X25519' | 'Ed25519', x: Uint8Array): KeyObject => createPublicKey({ key: { kty: 'OKP', crv, x: b64u(x) }, format: 'jwk' });
const hmac = (key: Uint8Array, ...parts: Uint8Array[]): Buffer => {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
};
const hkdf = (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Buffer => Buffer.from(hkdfSync('sha256', ikm, salt, info, length));

interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: Uint8Array;
}

/** 32 random bytes, one import, the public half from the JWK export (as the node backend does). */
function generate(): KeyPair {
  const privateKey = importPrivate('X25519', pooledRandomBytes(32));
  return { privateKey, publicKey: Buffer.from(privateKey.export({ format: 'jwk' }).x!, 'base64url') };
}

/** The chain step, the message-key HKDF, AES-CBC and the MAC: one side of one message. */
function sealOrOpen(chainKey: Uint8Array, data: Uint8Array, encrypt: boolean): Buffer {
  const messageKey = hmac(chainKey, ONE);
  hmac(chainKey, TWO);
  const material = hkdf(messageKey, ZERO_SALT, MESSAGE_INFO, 80);
  const key = material.subarray(0, 32);
  const iv = material.subarray(64);
  if (encrypt) {
    const cipher = createCipheriv('aes-256-cbc', key, iv);
    const out = Buffer.concat([cipher.update(data), cipher.final()]);
    hmac(material.subarray(32, 64), AD, MESSAGE);
    return out;
  }
  hmac(material.subarray(32, 64), AD, MESSAGE);
  const decipher = createDecipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}

/** One ping-pong message: the sender's chain step and seal, the receiver's DH ratchet step and open. */
function pingPongFloor(count: number): number {
  let receiver = generate();
  let sender = generate();
  let rootKey: Uint8Array = pooledRandomBytes(32);
  const chainKey = pooledRandomBytes(32);
  const ms = medianMs(5, () => {
    for (let i = 0; i < count; i++) {
      const ciphertext = sealOrOpen(chainKey, PLAINTEXT, true);
      const peer = importPublic('X25519', sender.publicKey);
      const receiving = hkdf(diffieHellman({ privateKey: receiver.privateKey, publicKey: peer }), rootKey, ROOT_INFO, 64);
      const fresh = generate();
      const sending = hkdf(diffieHellman({ privateKey: fresh.privateKey, publicKey: peer }), receiving.subarray(0, 32), ROOT_INFO, 64);
      rootKey = sending.subarray(0, 32);
      // Opened under the sender's chain key so that the padding checks out; the receiving
      // chain derived above costs the same.
      sealOrOpen(chainKey, ciphertext, false);
      // The roles swap: the receiver answers under its fresh key.
      receiver = sender;
      sender = fresh;
    }
  });
  return (count / ms) * 1000;
}

/** One message for 100 devices: the payload once, then one chain step and seal per device. */
function fanoutFloor(): number {
  const chainKeys = Array.from({ length: 100 }, () => pooledRandomBytes(32));
  return medianMs(15, () => {
    const payloadKey = pooledRandomBytes(32);
    const material = hkdf(payloadKey, ZERO_SALT, PAYLOAD_INFO, 80);
    const cipher = createCipheriv('aes-256-cbc', material.subarray(0, 32), material.subarray(64));
    const payload = Buffer.concat([cipher.update(PLAINTEXT), cipher.final()]);
    const keyAndMac = Buffer.concat([payloadKey, hmac(material.subarray(32, 64), payload).subarray(0, 16)]);
    for (const chainKey of chainKeys) sealOrOpen(chainKey, keyAndMac, true);
  });
}

interface Device {
  readonly identitySeed: Uint8Array;
  readonly identityPublic: Uint8Array;
  readonly signedPreKey: { readonly privateKey: Uint8Array; readonly publicKey: Uint8Array; readonly signature: Uint8Array };
  readonly preKey: { readonly privateKey: Uint8Array; readonly publicKey: Uint8Array };
}

const rawPair = (): { privateKey: Uint8Array; publicKey: Uint8Array } => {
  const privateKey = pooledRandomBytes(32);
  return { privateKey, publicKey: Buffer.from(importPrivate('X25519', privateKey).export({ format: 'jwk' }).x!, 'base64url') };
};

function makeDevice(): Device {
  const identitySeed = pooledRandomBytes(32);
  const identity = importPrivate('Ed25519', identitySeed);
  const identityPublic = Buffer.from(identity.export({ format: 'jwk' }).x!, 'base64url');
  const spk = rawPair();
  return { identitySeed, identityPublic, signedPreKey: { ...spk, signature: sign(null, spk.publicKey, identity) }, preKey: rawPair() };
}

/**
 * X3DH on both sides plus the first message (Alice's DH ratchet step, Bob's), between two
 * devices whose private keys are not imported yet, as in protocol.ts.
 */
function setupFloor(): number {
  const runs = 200;
  const pairs = Array.from({ length: runs + 5 }, () => ({ alice: makeDevice(), bob: makeDevice() }));
  let next = 0;
  return medianMs(
    runs,
    () => {
      const { alice, bob } = pairs[next++]!;
      // Alice: check the bundle, agree, start the ratchet, seal the first message.
      if (!verify(null, bob.signedPreKey.publicKey, importPublic('Ed25519', bob.identityPublic), bob.signedPreKey.signature)) throw new Error('bad signature');
      const ephemeral = generate();
      const aliceIdentity = importPrivate('X25519', identityX25519Private(alice.identitySeed));
      const bobSpk = importPublic('X25519', bob.signedPreKey.publicKey);
      const secretA = hkdf(
        Buffer.concat([
          Buffer.alloc(32, 0xff),
          diffieHellman({ privateKey: aliceIdentity, publicKey: bobSpk }),
          diffieHellman({ privateKey: ephemeral.privateKey, publicKey: importPublic('X25519', identityX25519Public(bob.identityPublic)) }),
          diffieHellman({ privateKey: ephemeral.privateKey, publicKey: bobSpk }),
          diffieHellman({ privateKey: ephemeral.privateKey, publicKey: importPublic('X25519', bob.preKey.publicKey) }),
        ]),
        ZERO_SALT,
        X3DH_INFO,
        32,
      );
      const aliceRatchet = generate();
      const aliceSending = hkdf(diffieHellman({ privateKey: aliceRatchet.privateKey, publicKey: bobSpk }), secretA, ROOT_INFO, 64);
      const ciphertext = sealOrOpen(aliceSending.subarray(32), new Uint8Array(48), true);
      // Bob: agree from the key exchange, take a DH ratchet step, open.
      const bobSpkPrivate = importPrivate('X25519', bob.signedPreKey.privateKey);
      const aliceEphemeral = importPublic('X25519', ephemeral.publicKey);
      const secretB = hkdf(
        Buffer.concat([
          Buffer.alloc(32, 0xff),
          diffieHellman({ privateKey: bobSpkPrivate, publicKey: importPublic('X25519', identityX25519Public(alice.identityPublic)) }),
          diffieHellman({ privateKey: importPrivate('X25519', identityX25519Private(bob.identitySeed)), publicKey: aliceEphemeral }),
          diffieHellman({ privateKey: bobSpkPrivate, publicKey: aliceEphemeral }),
          diffieHellman({ privateKey: importPrivate('X25519', bob.preKey.privateKey), publicKey: aliceEphemeral }),
        ]),
        ZERO_SALT,
        X3DH_INFO,
        32,
      );
      const aliceRatchetPublic = importPublic('X25519', aliceRatchet.publicKey);
      const bobReceiving = hkdf(diffieHellman({ privateKey: bobSpkPrivate, publicKey: aliceRatchetPublic }), secretB, ROOT_INFO, 64);
      const bobRatchet = generate();
      hkdf(diffieHellman({ privateKey: bobRatchet.privateKey, publicKey: aliceRatchetPublic }), bobReceiving.subarray(0, 32), ROOT_INFO, 64);
      sealOrOpen(bobReceiving.subarray(32), ciphertext, false);
    },
    5,
  );
}

export function floorFigures(): Record<string, number> {
  progress('floor: the primitive calls alone (ping-pong, fan-out, setup)');
  return {
    floor_ping_pong_msgs_per_s: round(pingPongFloor(1000), 0),
    floor_fanout_100_devices_ms: round(fanoutFloor(), 3),
    floor_session_setup_ms: round(setupFloor(), 3),
  };
}
