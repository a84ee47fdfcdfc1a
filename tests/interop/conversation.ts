/**
 * One Parley device talking to one python-omemo device, with the deliveries spelled out: every message
 * crosses as the exact bytes its sender produced. The helpers assert what must hold on every delivery
 * (sender, empty messages decrypt to nothing); the tests assert the rest.
 */
import { expect } from 'vitest';
import type { AsymmetricBackend } from '../../electron/engine/crypto/backend/index.js';
import type { DeviceAddress, EncryptedMessage } from '../../electron/engine/protocol/index.js';
import { bundleFromPeer, bundleToPeer, messageToPeer, parleyKeyFor, peerKeyFor } from './convert.js';
import {
  buildSession,
  createParleyDevice,
  decryptMessage,
  encryptMessage,
  getOwnBundle,
  type DecryptResult,
  type ParleyDevice,
} from './parley.js';
import type { PeerBundle, PeerMessage, PythonPeer } from './python-peer.js';

/** Stand-in for an XEP-0420 SCE envelope: the OMEMO:2 payload encrypts these bytes, whatever they are. */
export const envelope = (body: string): Uint8Array =>
  new TextEncoder().encode(
    `<envelope xmlns='urn:xmpp:sce:1'><content><body xmlns='jabber:client'>${body}</body></content>` +
      `<rpad>${'r'.repeat(body.length % 13)}</rpad></envelope>`,
  );

/** A fixed, well-scrambled delivery order for runs of `n` messages (seeded Fisher-Yates, repeatable). */
export function outOfOrder(n: number, seed = 0x2545f491): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let state = seed;
  for (let i = n - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

let conversations = 0;

export class Conversation {
  private constructor(
    readonly py: PythonPeer,
    readonly parley: ParleyDevice,
    readonly python: DeviceAddress & { readonly bundle: PeerBundle },
  ) {}

  /** A fresh Parley device and a fresh python device that know each other's bundle (as PEP would tell). */
  static async open(py: PythonPeer, backend: AsymmetricBackend): Promise<Conversation> {
    const n = ++conversations;
    const parley = createParleyDevice(backend, `parley${n}-${backend.name}@example.org`);
    const pyJid = `python${n}-${backend.name}@example.net`;
    const created = await py.create(pyJid);
    await py.addDevice(pyJid, { ...parley.address, bundle: bundleToPeer(getOwnBundle(parley.ctx)) });
    return new Conversation(py, parley, { jid: pyJid, deviceId: created.deviceId, bundle: created.bundle });
  }

  /** Parley starts the session from python's bundle; python acks; Parley takes the ack. */
  static async startedByParley(py: PythonPeer, backend: AsymmetricBackend): Promise<Conversation> {
    const c = await Conversation.open(py, backend);
    c.parleyBuildsSession();
    expect(await c.pythonReceives(c.parleySends('hello python'))).toEqual(envelope('hello python'));
    expect(await c.deliverPythonEmptyMessages()).toBe(1);
    return c;
  }

  /** Python starts the session from Parley's bundle; Parley acks. */
  static async startedByPython(py: PythonPeer, backend: AsymmetricBackend): Promise<Conversation> {
    const c = await Conversation.open(py, backend);
    const result = c.parleyReceives(await c.pythonSends('hello parley'));
    expect(result.envelope).toEqual(envelope('hello parley'));
    await c.honourRespond(result);
    return c;
  }

  parleyBuildsSession(): void {
    buildSession(this.parley.ctx, this.python, bundleFromPeer(this.python.bundle));
  }

  /** body null sends an empty OMEMO message. */
  parleySends(body: string | null): EncryptedMessage {
    return encryptMessage(this.parley.ctx, body === null ? null : envelope(body), [this.python]);
  }

  pythonReceives(message: EncryptedMessage): Promise<Uint8Array | null> {
    return this.py.decrypt(this.python.jid, messageToPeer(message));
  }

  pythonSends(body: string): Promise<PeerMessage> {
    return this.py.encrypt(this.python.jid, this.parley.address.jid, envelope(body));
  }

  parleyReceives(message: PeerMessage): DecryptResult {
    expect(message.sender).toEqual({ jid: this.python.jid, deviceId: this.python.deviceId });
    const key = peerKeyFor(message, this.parley.address);
    return decryptMessage(this.parley.ctx, message.sender, key, message.payload);
  }

  /** Delivers every empty message python sent on its own to Parley; returns how many there were. */
  async deliverPythonEmptyMessages(): Promise<number> {
    const sent = await this.py.emptyMessagesSent(this.python.jid);
    for (const message of sent) {
      expect(message.to).toBe(this.parley.address.jid);
      expect(message.payload).toBeNull();
      const result = this.parleyReceives(message);
      expect(result.envelope).toBeNull();
      expect(result.identityKey).toEqual(this.python.bundle.ik);
    }
    return sent.length;
  }

  /** Does what Parley's messaging layer will do with `respond`: send python an empty message. */
  async honourRespond(result: DecryptResult): Promise<void> {
    if (result.respond === 'none') return;
    const empty = this.parleySends(null);
    expect(empty.payload).toBeNull();
    expect(await this.pythonReceives(empty)).toBeNull();
  }

  /** `rounds` messages each way, alternating, on an established (acknowledged) session. */
  async pingPong(rounds: number): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      const ping = this.parleySends(`ping ${i}`);
      expect(parleyKeyFor(ping, this.python).kex).toBe(false);
      expect(await this.pythonReceives(ping)).toEqual(envelope(`ping ${i}`));
      const pong = await this.pythonSends(`pong ${i}`);
      expect(peerKeyFor(pong, this.parley.address).kex).toBe(false);
      const result = this.parleyReceives(pong);
      expect(result.envelope).toEqual(envelope(`pong ${i}`));
      expect(result.newSession).toBe(false);
      await this.honourRespond(result);
    }
    expect(await this.deliverPythonEmptyMessages()).toBe(0);
  }

  /** `length` messages Parley → python, then `length` python → Parley, each run delivered out of order. */
  async oneWayRuns(length: number): Promise<void> {
    const order = outOfOrder(length);
    const toPython = Array.from({ length }, (_, i) => this.parleySends(`run to python ${i}`));
    for (const i of order) expect(await this.pythonReceives(toPython[i]!)).toEqual(envelope(`run to python ${i}`));
    const toParley: PeerMessage[] = [];
    for (let i = 0; i < length; i++) toParley.push(await this.pythonSends(`run to parley ${i}`));
    for (const i of order) {
      const result = this.parleyReceives(toParley[i]!);
      expect(result.envelope).toEqual(envelope(`run to parley ${i}`));
      await this.honourRespond(result);
    }
    // Back to normal after the runs: one message each way, in order.
    expect(await this.pythonReceives(this.parleySends('after the runs'))).toEqual(envelope('after the runs'));
    const last = this.parleyReceives(await this.pythonSends('after the runs, too'));
    expect(last.envelope).toEqual(envelope('after the runs, too'));
    await this.deliverPythonEmptyMessages();
  }
}
