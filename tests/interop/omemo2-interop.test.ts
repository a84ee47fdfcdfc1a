/**
 * Parley's OMEMO:2 core (XEP-0384 v0.9) against the reference implementation, python-omemo 1.x with
 * twomemo, on both of Parley's crypto backends. Every byte crosses unchanged between the two: a Parley
 * message is decrypted by python-omemo's SessionManager, and Parley decrypts what python-omemo sends,
 * including the empty messages it sends on its own (key exchange acks, heartbeats).
 *
 * These tests never skip: without the Debian packages they fail and say how to install them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nobleBackend, nodeBackend } from '../../electron/engine/crypto/backend/index.js';
import { CryptoError } from '../../electron/engine/crypto/errors.js';
import type { EncryptedMessage } from '../../electron/engine/protocol/index.js';
import { Conversation, envelope } from './conversation.js';
import { parleyKeyFor, peerKeyFor } from './convert.js';
import { getOwnBundle } from './parley.js';
import { PeerCommandError, PythonPeer, type PeerMessage } from './python-peer.js';

for (const backend of [nodeBackend, nobleBackend] as const) {
  describe(`Parley OMEMO:2 (${backend.name} backend) ↔ python-omemo/twomemo`, () => {
    let py: PythonPeer;

    beforeAll(() => {
      py = PythonPeer.start(); // throws "python-omemo peer unavailable: … bash scripts/setup.sh" when missing
    });
    afterAll(async () => {
      await py?.close();
    });

    it('Parley starts a session from the python bundle: python decrypts the key exchange and its ack ends Parley’s key exchanges', async () => {
      const c = await Conversation.open(py, backend);
      c.parleyBuildsSession();

      const first = c.parleySends('hello python');
      expect(first.sender).toEqual(c.parley.address);
      expect(first.payload).not.toBeNull();
      const key = parleyKeyFor(first, c.python);
      expect(key.kex).toBe(true);
      expect(await c.pythonReceives(first)).toEqual(envelope('hello python'));

      // python used one of its pre-keys, deleted it and published a fresh one.
      const usedIds = c.python.bundle.preKeys.map((k) => k.id);
      const nowIds = (await py.bundle(c.python.jid)).preKeys.map((k) => k.id);
      expect(usedIds.filter((id) => !nowIds.includes(id))).toHaveLength(1);

      // python acknowledges with an empty OMEMO message (XEP-0384 §6, Business Rules); Parley takes it.
      const acks = await py.emptyMessagesSent(c.python.jid);
      expect(acks).toHaveLength(1);
      const ack = acks[0]!;
      expect(peerKeyFor(ack, c.parley.address).kex).toBe(false);
      const result = c.parleyReceives(ack);
      expect(result).toMatchObject({ envelope: null, newSession: false, respond: 'none' });
      expect(result.identityKey).toEqual(c.python.bundle.ik);

      // Answered: Parley's next message is a plain OMEMOAuthenticatedMessage.
      const second = c.parleySends('second');
      expect(parleyKeyFor(second, c.python).kex).toBe(false);
      expect(await c.pythonReceives(second)).toEqual(envelope('second'));
      expect(await c.deliverPythonEmptyMessages()).toBe(0);
    });

    it('python starts a session from Parley’s bundle: Parley decrypts the key exchange and its empty ack completes python’s session', async () => {
      const c = await Conversation.open(py, backend);
      const ownBundle = getOwnBundle(c.parley.ctx);

      const first = await c.pythonSends('hello parley');
      expect(peerKeyFor(first, c.parley.address).kex).toBe(true);
      const result = c.parleyReceives(first);
      expect(result.envelope).toEqual(envelope('hello parley'));
      expect(result.newSession).toBe(true);
      expect(result.identityKey).toEqual(c.python.bundle.ik);
      expect(result.respond).toBe('key-exchange-ack');
      expect(ownBundle.preKeys.map((k) => k.id)).toContain(result.usedPreKeyId);

      // Until python hears back it repeats the key exchange (XEP-0384 §6, Business Rules); Parley keeps its session.
      const repeated = await c.pythonSends('still waiting');
      expect(peerKeyFor(repeated, c.parley.address).kex).toBe(true);
      const again = c.parleyReceives(repeated);
      expect(again.envelope).toEqual(envelope('still waiting'));
      expect(again.newSession).toBe(false);

      // Parley's empty ack reaches python as an empty message…
      const ack = c.parleySends(null);
      expect(ack.payload).toBeNull();
      expect(parleyKeyFor(ack, c.python).kex).toBe(false);
      expect(await c.pythonReceives(ack)).toBeNull();

      // …and python stops sending key exchanges.
      const after = await c.pythonSends('session confirmed');
      expect(peerKeyFor(after, c.parley.address).kex).toBe(false);
      expect(c.parleyReceives(after).envelope).toEqual(envelope('session confirmed'));
    });

    it('Parley’s <key> bytes are canonical twomemo protobuf, its key exchange naming python’s published keys', async () => {
      const c = await Conversation.open(py, backend);
      c.parleyBuildsSession();
      const kex = await py.inspect(parleyKeyFor(c.parleySends('first'), c.python));
      expect(kex.canonical).toBe(true);
      expect(kex.spkId).toBe(c.python.bundle.spk.id);
      expect(c.python.bundle.preKeys.map((k) => k.id)).toContain(kex.pkId);
      expect(kex.ik).toEqual(getOwnBundle(c.parley.ctx).identityKey);
      expect(kex).toMatchObject({ n: 0, pn: 0 });
      expect(kex.ciphertext).not.toBeNull();

      const second = await py.inspect(parleyKeyFor(c.parleySends('second'), c.python));
      expect(second).toMatchObject({ canonical: true, n: 1, pn: 0, dhPub: kex.dhPub });
      expect(second.ek).toEqual(kex.ek); // the same key exchange, repeated until answered

      expect(await c.pythonReceives(c.parleySends('third'))).toEqual(envelope('third'));
      await c.deliverPythonEmptyMessages();
      const plain = c.parleySends('fourth');
      const fields = await py.inspect(parleyKeyFor(plain, c.python));
      expect(fields.canonical).toBe(true);
      expect(fields.pkId).toBeUndefined();
    });

    it('Parley repeats its key exchange until python answers, and python accepts the repetitions out of order', async () => {
      const c = await Conversation.open(py, backend);
      c.parleyBuildsSession();
      const sent = [0, 1, 2].map((i) => c.parleySends(`unanswered ${i}`));
      for (const m of sent) expect(parleyKeyFor(m, c.python).kex).toBe(true);
      for (const i of [2, 0, 1]) expect(await c.pythonReceives(sent[i]!)).toEqual(envelope(`unanswered ${i}`));
      expect(await c.deliverPythonEmptyMessages()).toBeGreaterThanOrEqual(1);
      const answered = c.parleySends('answered');
      expect(parleyKeyFor(answered, c.python).kex).toBe(false);
      expect(await c.pythonReceives(answered)).toEqual(envelope('answered'));
    });

    it('Parley accepts python’s repeated key exchanges out of order, building the session once', async () => {
      const c = await Conversation.open(py, backend);
      const sent: PeerMessage[] = [];
      for (let i = 0; i < 3; i++) sent.push(await c.pythonSends(`unanswered ${i}`));
      const results = [2, 0, 1].map((i) => {
        const result = c.parleyReceives(sent[i]!);
        expect(result.envelope).toEqual(envelope(`unanswered ${i}`));
        return result;
      });
      expect(results.map((r) => r.newSession)).toEqual([true, false, false]);
      expect(results[0]!.respond).toBe('key-exchange-ack');
      await c.honourRespond(results[0]!);
      const after = await c.pythonSends('answered');
      expect(peerKeyFor(after, c.parley.address).kex).toBe(false);
      expect(c.parleyReceives(after).envelope).toEqual(envelope('answered'));
    });

    for (const [who, start] of [
      ['Parley', Conversation.startedByParley],
      ['python', Conversation.startedByPython],
    ] as const) {
      it(`exchanges 20 messages each way as ping-pong (session started by ${who})`, async () => {
        await (await start(py, backend)).pingPong(20);
      });

      it(`delivers one-way runs of 20 messages each way out of order (session started by ${who})`, async () => {
        const c = await start(py, backend);
        await c.oneWayRuns(20);
        await c.pingPong(3);
        await c.oneWayRuns(25);
      });
    }

    it('delivers the rest of an earlier sending chain after the next chain’s messages, both ways', async () => {
      const c = await Conversation.startedByPython(py, backend);
      // Parley → python: chain A, a ratchet step (python answers), chain B; then late A messages among B's.
      const chainA = [0, 1, 2].map((i) => c.parleySends(`A${i}`));
      expect(await c.pythonReceives(chainA[0]!)).toEqual(envelope('A0'));
      expect(c.parleyReceives(await c.pythonSends('step')).envelope).toEqual(envelope('step'));
      const chainB = [0, 1].map((i) => c.parleySends(`B${i}`));
      // Chain B is under a new ratchet key and names chain A's length as pn (the ack before A counts too).
      const lastA = await py.inspect(parleyKeyFor(chainA[2]!, c.python));
      const b1 = await py.inspect(parleyKeyFor(chainB[1]!, c.python));
      expect(b1).toMatchObject({ n: 1, pn: lastA.n + 1 });
      expect(b1.dhPub).not.toEqual(lastA.dhPub);
      for (const [m, body] of [
        [chainB[1]!, 'B1'],
        [chainA[2]!, 'A2'],
        [chainB[0]!, 'B0'],
        [chainA[1]!, 'A1'],
      ] as const) {
        expect(await c.pythonReceives(m)).toEqual(envelope(body));
      }

      // python → Parley, the same shape.
      const pyA: PeerMessage[] = [];
      for (let i = 0; i < 3; i++) pyA.push(await c.pythonSends(`pyA${i}`));
      expect(c.parleyReceives(pyA[0]!).envelope).toEqual(envelope('pyA0'));
      expect(await c.pythonReceives(c.parleySends('step back'))).toEqual(envelope('step back'));
      const pyB: PeerMessage[] = [];
      for (let i = 0; i < 2; i++) pyB.push(await c.pythonSends(`pyB${i}`));
      for (const [m, body] of [
        [pyB[1]!, 'pyB1'],
        [pyA[2]!, 'pyA2'],
        [pyB[0]!, 'pyB0'],
        [pyA[1]!, 'pyA1'],
      ] as const) {
        expect(c.parleyReceives(m).envelope).toEqual(envelope(body));
      }
      await c.pingPong(2);
    });

    it('python’s heartbeat after a long one-way run from Parley reaches Parley as an empty message', async () => {
      const c = await Conversation.startedByParley(py, backend);
      // python-omemo sends an empty message once a receiving chain is longer than 53 (STALENESS_MAGIC_NUMBER).
      for (let i = 0; i < 60; i++) expect(await c.pythonReceives(c.parleySends(`long run ${i}`))).toEqual(envelope(`long run ${i}`));
      expect(await c.deliverPythonEmptyMessages()).toBeGreaterThanOrEqual(1);
      await c.pingPong(2);
    });

    it('Parley answers a long one-way run from python with a heartbeat python accepts', async () => {
      const c = await Conversation.startedByPython(py, backend);
      const responds: string[] = [];
      for (let i = 0; i < 120; i++) {
        const result = c.parleyReceives(await c.pythonSends(`long run ${i}`));
        expect(result.envelope).toEqual(envelope(`long run ${i}`));
        responds.push(result.respond);
        await c.honourRespond(result);
      }
      expect(responds).toContain('heartbeat');
      await c.pingPong(2);
    });

    it('python rejects a tampered Parley message, and the session survives', async () => {
      const c = await Conversation.startedByParley(py, backend);
      const message = c.parleySends('tamper with me');
      const key = parleyKeyFor(message, c.python);
      const data = key.data.slice();
      data[data.length - 1]! ^= 0x01; // inside the OMEMOMessage the MAC covers
      const tampered: EncryptedMessage = { ...message, keys: [{ ...key, data }] };
      await expect(c.pythonReceives(tampered)).rejects.toThrow(PeerCommandError);
      expect(await c.pythonReceives(message)).toEqual(envelope('tamper with me'));
    });

    it('Parley rejects a tampered python message with a CryptoError, and the session survives', async () => {
      const c = await Conversation.startedByPython(py, backend);
      const message = await c.pythonSends('tamper with me');
      const key = peerKeyFor(message, c.parley.address);
      const data = key.data.slice();
      data[data.length - 1]! ^= 0x01;
      const tampered: PeerMessage = { ...message, keys: [{ ...key, data }] };
      expect(() => c.parleyReceives(tampered)).toThrow(CryptoError);
      expect(c.parleyReceives(message).envelope).toEqual(envelope('tamper with me'));
    });
  });
}
