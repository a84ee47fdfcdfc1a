/**
 * Checks the harness, not Parley: two python-omemo devices in two peer processes talk OMEMO:2 to each
 * other through the TypeScript wrapper. If this fails, omemo2-interop failures mean nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeerCommandError, PythonPeer, type PeerMessage } from './python-peer.js';

const ALICE = 'alice@example.org';
const BOB = 'bob@example.org';
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const keyFor = (message: PeerMessage, jid: string) => message.keys.filter((k) => k.jid === jid);

describe('python-omemo peer harness (two python devices)', () => {
  let alice: PythonPeer;
  let bob: PythonPeer;
  let aliceId: number;
  let bobId: number;

  beforeAll(async () => {
    alice = PythonPeer.start();
    bob = PythonPeer.start();
    const a = await alice.create(ALICE);
    const b = await bob.create(BOB);
    aliceId = a.deviceId;
    bobId = b.deviceId;
    await alice.addDevice(ALICE, { jid: BOB, deviceId: bobId, bundle: b.bundle });
    await bob.addDevice(BOB, { jid: ALICE, deviceId: aliceId, bundle: a.bundle });
  });

  afterAll(async () => {
    await Promise.all([alice?.close(), bob?.close()]);
  });

  it('publishes a bundle of an Ed25519 identity key, a signed pre-key and 100 pre-keys', async () => {
    const bundle = await bob.bundle(BOB);
    expect(bundle.deviceId).toBe(bobId);
    expect(bundle.ik).toHaveLength(32);
    expect(bundle.spk.pub).toHaveLength(32);
    expect(bundle.spk.sig).toHaveLength(64);
    expect(bundle.preKeys).toHaveLength(100);
    expect(new Set(bundle.preKeys.map((k) => k.id)).size).toBe(100);
  });

  it('starts a session with a key exchange, which the responder acknowledges with an empty message', async () => {
    const before = await bob.bundle(BOB);
    const first = await alice.encrypt(ALICE, BOB, text('hello bob'));
    expect(first.sender).toEqual({ jid: ALICE, deviceId: aliceId });
    expect(keyFor(first, BOB)).toEqual([expect.objectContaining({ deviceId: bobId, kex: true })]);
    expect(await bob.decrypt(BOB, first)).toEqual(text('hello bob'));

    // The used pre-key is gone from the bundle and replaced by a fresh one.
    const after = await bob.bundle(BOB);
    expect(after.preKeys).toHaveLength(100);
    expect(after.preKeys.map((k) => k.id)).not.toEqual(before.preKeys.map((k) => k.id));

    const acks = await bob.emptyMessagesSent();
    expect(acks).toHaveLength(1);
    const ack = acks[0]!;
    expect(ack.to).toBe(ALICE);
    expect(ack.payload).toBeNull();
    expect(keyFor(ack, ALICE)).toEqual([expect.objectContaining({ deviceId: aliceId, kex: false })]);
    expect(await alice.decrypt(ALICE, ack)).toBeNull();
    expect(await bob.emptyMessagesSent()).toEqual([]);

    // Acknowledged: alice stops repeating the key exchange.
    const next = await alice.encrypt(ALICE, BOB, text('are you there?'));
    expect(keyFor(next, BOB)[0]!.kex).toBe(false);
    expect(await bob.decrypt(BOB, next)).toEqual(text('are you there?'));
  });

  it('reads its own key exchange back through inspect: canonical twomemo protobuf naming the recipient’s keys', async () => {
    const carol = PythonPeer.start();
    try {
      const c = await carol.create('carol@example.org');
      const d = await carol.create('dave@example.org');
      await carol.addDevice('carol@example.org', { jid: 'dave@example.org', deviceId: d.deviceId, bundle: d.bundle });
      const message = await carol.encrypt('carol@example.org', 'dave@example.org', text('inspect me'));
      const key = keyFor(message, 'dave@example.org')[0]!;
      const fields = await carol.inspect(key);
      expect(fields.canonical).toBe(true);
      expect(fields.spkId).toBe(d.bundle.spk.id);
      expect(d.bundle.preKeys.map((k) => k.id)).toContain(fields.pkId);
      expect(fields.ik).toEqual(c.bundle.ik);
      expect(fields).toMatchObject({ n: 0, pn: 0 });
      expect(fields.mac).toHaveLength(16);
      await expect(carol.inspect({ kex: false, data: key.data })).rejects.toThrow(PeerCommandError);
    } finally {
      await carol.close();
    }
  });

  it('exchanges 10 messages each way as ping-pong', async () => {
    for (let i = 0; i < 10; i++) {
      const ping = await alice.encrypt(ALICE, BOB, text(`ping ${i}`));
      expect(await bob.decrypt(BOB, ping)).toEqual(text(`ping ${i}`));
      const pong = await bob.encrypt(BOB, ALICE, text(`pong ${i}`));
      expect(await alice.decrypt(ALICE, pong)).toEqual(text(`pong ${i}`));
    }
  });

  it('decrypts 10 messages each way delivered out of order', async () => {
    for (const [from, fromJid, to, toJid] of [
      [alice, ALICE, bob, BOB],
      [bob, BOB, alice, ALICE],
    ] as const) {
      const sent: PeerMessage[] = [];
      for (let i = 0; i < 10; i++) sent.push(await from.encrypt(fromJid, toJid, text(`${fromJid} #${i}`)));
      for (const i of [3, 0, 9, 1, 2, 8, 4, 7, 5, 6]) {
        expect(await to.decrypt(toJid, sent[i]!)).toEqual(text(`${fromJid} #${i}`));
      }
    }
  });

  it('reports a replayed message as a python error, without harming the session', async () => {
    const message = await alice.encrypt(ALICE, BOB, text('once'));
    expect(await bob.decrypt(BOB, message)).toEqual(text('once'));
    const replay = bob.decrypt(BOB, message);
    await expect(replay).rejects.toThrow(PeerCommandError);
    await expect(replay).rejects.toThrow(/DecryptionFailed/);
    const later = await alice.encrypt(ALICE, BOB, text('twice'));
    expect(await bob.decrypt(BOB, later)).toEqual(text('twice'));
  });
});
