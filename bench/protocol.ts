/**
 * Protocol-core figures (issue: "Foundation and the OMEMO:2 protocol core"): 100-byte
 * plaintext, encrypt + decrypt counted together, medians of several runs.
 */
import type { AsymmetricBackend } from '../electron/engine/crypto/backend/types.js';
import { randomBytes } from '../electron/engine/crypto/primitives.js';
import { initActiveRatchet, initPassiveRatchet, ratchetDecrypt, ratchetEncrypt, type RatchetState } from '../electron/engine/crypto/ratchet/index.js';
import { omemo2RatchetParams } from '../electron/engine/crypto/wire/omemo2/ratchet-params.js';
import { omemo2Wire } from '../electron/engine/crypto/wire/omemo2/index.js';
import {
  MemoryProtocolStore,
  buildSession,
  createDevice,
  decryptMessage,
  encryptMessage,
  getOwnBundle,
  type DeviceAddress,
  type ProtocolContext,
} from '../electron/engine/protocol/index.js';
import { medianMs, progress, round } from './util.js';

const PLAINTEXT = randomBytes(100);

function ratchetPair(backend: AsymmetricBackend) {
  const params = omemo2RatchetParams(backend);
  const shared = randomBytes(32);
  const ad = randomBytes(64);
  const bobSpk = backend.x25519GenerateKeyPair();
  const alice = initActiveRatchet(params, shared, bobSpk.publicKey, ad);
  const bob = initPassiveRatchet(params, shared, bobSpk, ad);
  return { params, alice, bob };
}

function oneWay(backend: AsymmetricBackend, count: number): number {
  const pair = ratchetPair(backend);
  const { params } = pair;
  let { alice, bob } = pair;
  const ms = medianMs(5, () => {
    for (let i = 0; i < count; i++) {
      const e = ratchetEncrypt(params, alice, PLAINTEXT);
      alice = e.state;
      bob = ratchetDecrypt(params, bob, e.message).state;
    }
  });
  return (count / ms) * 1000;
}

function pingPong(backend: AsymmetricBackend, count: number): number {
  const pair = ratchetPair(backend);
  const { params } = pair;
  let { alice, bob } = pair;
  // Bob must have received once before he can send.
  let first = ratchetEncrypt(params, alice, PLAINTEXT);
  alice = first.state;
  bob = ratchetDecrypt(params, bob, first.message).state;
  const ms = medianMs(5, () => {
    for (let i = 0; i < count; i++) {
      // Each direction change is a DH ratchet step on both sides.
      const fromBob = ratchetEncrypt(params, bob, PLAINTEXT);
      bob = fromBob.state;
      alice = ratchetDecrypt(params, alice, fromBob.message).state;
      first = ratchetEncrypt(params, alice, PLAINTEXT);
      alice = first.state;
      bob = ratchetDecrypt(params, bob, first.message).state;
    }
  });
  return ((2 * count) / ms) * 1000;
}

function device(backend: AsymmetricBackend, jid: string, preKeyCount = 100): ProtocolContext {
  const ctx: ProtocolContext = { store: new MemoryProtocolStore(), wire: omemo2Wire, backend, now: () => Date.now() };
  createDevice(ctx, { jid, preKeyCount });
  return ctx;
}

const addressOf = (ctx: ProtocolContext): DeviceAddress => {
  const own = ctx.store.getOwnIdentity()!;
  return { jid: own.jid, deviceId: own.deviceId };
};

/** X3DH on both sides: Alice builds from Bob's bundle, Bob accepts her key exchange. */
function sessionSetupMs(backend: AsymmetricBackend): number {
  const runs = 200;
  const pairs = Array.from({ length: runs + 5 }, (_, i) => ({ alice: device(backend, `a${i}@bench`, 1), bob: device(backend, `b${i}@bench`, 1) }));
  let next = 0;
  return medianMs(runs, () => {
    const { alice, bob } = pairs[next++]!;
    buildSession(alice, addressOf(bob), getOwnBundle(bob));
    const msg = encryptMessage(alice, null, [addressOf(bob)]);
    const key = msg.keys[0]!;
    decryptMessage(bob, addressOf(alice), { kex: key.kex, data: key.data }, msg.payload);
  }, 5);
}

function fanout(backend: AsymmetricBackend, fresh: boolean): number {
  const runs = fresh ? 7 : 15;
  const sender = device(backend, 'sender@bench', 1);
  const recipientSets = Array.from({ length: fresh ? runs + 1 : 1 }, (_, r) =>
    Array.from({ length: 100 }, (_, i) => {
      const d = device(backend, `r${r}-${i}@bench`, 2);
      return { address: addressOf(d), bundle: getOwnBundle(d) };
    }),
  );
  const envelope = new Uint8Array(PLAINTEXT);
  if (!fresh) {
    for (const r of recipientSets[0]!) buildSession(sender, r.address, r.bundle);
    const addresses = recipientSets[0]!.map((r) => r.address);
    return medianMs(runs, () => void encryptMessage(sender, envelope, addresses));
  }
  let set = 0;
  return medianMs(runs, () => {
    const recipients = recipientSets[set++]!;
    for (const r of recipients) buildSession(sender, r.address, r.bundle);
    encryptMessage(sender, envelope, recipients.map((r) => r.address));
  });
}

export function protocolFigures(backend: AsymmetricBackend): Record<string, number> {
  progress(`protocol core on the ${backend.name} backend: one-way ratchet`);
  const oneWayRate = oneWay(backend, 5000);
  progress('ping-pong ratchet');
  const pingPongRate = pingPong(backend, 1000);
  progress('session setup');
  const setup = sessionSetupMs(backend);
  progress('fan-out to 100 devices with sessions');
  const fan = fanout(backend, false);
  progress('fan-out to 100 new devices (X3DH each)');
  const fanNew = fanout(backend, true);
  return {
    ratchet_one_way_msgs_per_s: round(oneWayRate, 0),
    ratchet_ping_pong_msgs_per_s: round(pingPongRate, 0),
    session_setup_ms: round(setup, 3),
    fanout_100_devices_ms: round(fan, 3),
    fanout_100_new_devices_ms: round(fanNew, 2),
  };
}

export type { RatchetState };
