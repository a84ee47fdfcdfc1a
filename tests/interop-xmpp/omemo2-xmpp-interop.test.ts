/**
 * Parley and the reference implementation (python-omemo + twomemo on slixmpp) exchange OMEMO:2 messages
 * through a real Prosody: live both ways, several in a row, and offline delivery both ways (the recipient
 * signed off when the message is sent, receives it at its next sign-in, exactly once).
 *
 * Parley runs as its headless client (`npm run cli`), one process per command like a user would run it;
 * python runs for the whole file and goes offline/online on command.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../scripts/prosody/launcher.js';
import { assertInteropEnvironment } from './environment.js';
import {
  ParleyListener,
  parleyCliUnavailableReason,
  parleyHistory,
  parleyLogin,
  parleySend,
  type ParleyAccount,
  type ParleyLogin,
} from './parley-cli.js';
import { XmppPeer } from './xmpp-peer.js';

const PARLEY_USER = { user: 'parley', password: 'parley-Secret-1' };
const PYTHON_USER = { user: 'pyomemo', password: 'pyomemo-Secret-2' };
/** How long to keep listening after the expected messages, to catch a duplicate. */
const SETTLE_MS = 1_500;

let server: ProsodyServer | undefined;
let python: XmppPeer | undefined;
let parley: ParleyAccount | undefined;
let parleyDevice: ParleyLogin | undefined;
let dataDir: string | undefined;
const listeners: ParleyListener[] = [];

const parleyJid = (): string => `${PARLEY_USER.user}@${server!.domain}`;
const pythonJid = (): string => `${PYTHON_USER.user}@${server!.domain}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function listen(options: { count?: number; timeoutS?: number } = {}): ParleyListener {
  const listener = new ParleyListener(parley!, options);
  listeners.push(listener);
  return listener;
}

beforeAll(async () => {
  assertInteropEnvironment();
  const cliMissing = parleyCliUnavailableReason();
  if (cliMissing !== undefined) throw new Error(cliMissing);
  server = await startProsody({ accounts: [PARLEY_USER, PYTHON_USER] });
  dataDir = mkdtempSync(join(tmpdir(), 'parley-interop-xmpp-'));
  parley = { dataDir, server, passphrase: 'interop-passphrase-1', password: PARLEY_USER.password };
  // Both publish a device list and a bundle before anyone sends.
  [python, parleyDevice] = await Promise.all([
    XmppPeer.start({ jid: pythonJid(), password: PYTHON_USER.password, server }),
    parleyLogin(parley, parleyJid()),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all(listeners.map((l) => l.stop()));
  await python?.close();
  await server?.stop();
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

describe('OMEMO:2 between Parley and python-omemo through Prosody', () => {
  it('signs Parley in with an OMEMO:2 device', () => {
    expect(parleyDevice!.jid).toBe(parleyJid());
    expect(parleyDevice!.device).toBeGreaterThan(0);
  });

  it('a message Parley sends decrypts in python-omemo, with the SCE affixes python checks', async () => {
    const sent = await parleySend(parley!, pythonJid(), 'hello from Parley');
    expect(sent.to).toBe(pythonJid());
    expect(sent.devices).toContainEqual({ jid: pythonJid(), device: python!.identity.device });
    const [received] = await python!.waitForMessages(parleyJid(), 1);
    expect(received).toMatchObject({ body: 'hello from Parley', device: parleyDevice!.device });
    // python checked from/to against the stanza; OMEMO:2's profile of XEP-0420 wants rpad and from.
    expect(received!.affixes).toEqual(expect.arrayContaining(['rpad', 'from', 'to', 'time']));
    expect(python!.errors()).toEqual([]);
  }, 120_000);

  it('a message python-omemo sends decrypts in Parley', async () => {
    const listener = listen();
    await listener.waitForReady();
    const sent = await python!.send(parleyJid(), 'hello from python');
    expect(sent.devices).toEqual([parleyDevice!.device]);
    const [received] = await listener.waitForMessages(pythonJid(), 1);
    expect(received).toMatchObject({ from: pythonJid(), body: 'hello from python', device: python!.identity.device });
    expect(received!.encryption).toMatch(/omemo/i);
    await listener.stop();
  }, 120_000);

  it('several messages each way arrive in order and decrypt', async () => {
    const listener = listen();
    await listener.waitForReady();
    const toParley = ['p1', 'p2', 'p3', 'p4'];
    const toPython = ['q1', 'q2', 'q3', 'q4'];
    const pythonBefore = python!.received(parleyJid()).length;
    for (let i = 0; i < toParley.length; i++) {
      await python!.send(parleyJid(), toParley[i]!);
      await parleySend(parley!, pythonJid(), toPython[i]!);
    }
    const atParley = await listener.waitForMessages(pythonJid(), toParley.length);
    expect(atParley.map((m) => m.body)).toEqual(toParley);
    const atPython = await python!.waitForMessages(parleyJid(), pythonBefore + toPython.length);
    expect(atPython.slice(pythonBefore).map((m) => m.body)).toEqual(toPython);
    await sleep(SETTLE_MS);
    expect(listener.messages(pythonJid())).toHaveLength(toParley.length);
    expect(python!.errors()).toEqual([]);
    await listener.stop();
  }, 180_000);

  it('Parley receives what python sent while Parley was offline at its next sign-in, exactly once', async () => {
    const offline = ['while Parley was away 1', 'while Parley was away 2', 'while Parley was away 3'];
    for (const text of offline) await python!.send(parleyJid(), text);

    const first = listen();
    await first.waitForReady();
    const received = await first.waitForMessages(pythonJid(), offline.length);
    expect(received.map((m) => m.body)).toEqual(offline);
    await sleep(SETTLE_MS);
    expect(first.messages(pythonJid())).toHaveLength(offline.length);
    await first.stop();

    // Signing in again delivers none of them a second time (offline store emptied, archive deduplicated).
    const second = listen();
    await second.waitForReady();
    await sleep(SETTLE_MS * 2);
    expect(second.messages()).toEqual([]);
    expect(second.errors()).toEqual([]);
    await second.stop();

    const history = await parleyHistory(parley!, pythonJid());
    for (const text of offline) expect(history.filter((l) => l['body'] === text)).toHaveLength(1);
  }, 180_000);

  it('python receives what Parley sent while python was offline at its next sign-in, exactly once', async () => {
    await python!.offline();
    const before = python!.received(parleyJid()).length;
    const offline = ['while python was away 1', 'while python was away 2', 'while python was away 3'];
    for (const text of offline) {
      const sent = await parleySend(parley!, pythonJid(), text);
      expect(sent.devices).toContainEqual({ jid: pythonJid(), device: python!.identity.device });
    }
    await python!.online();
    const all = await python!.waitForMessages(parleyJid(), before + offline.length);
    const stored = all.slice(before);
    expect(stored.map((m) => m.body)).toEqual(offline);
    expect(stored.every((m) => m.delay !== null)).toBe(true); // from Prosody's offline store (XEP-0203)
    await sleep(SETTLE_MS);
    expect(python!.received(parleyJid())).toHaveLength(before + offline.length);
    expect(python!.errors()).toEqual([]);
  }, 180_000);
});
