import { beforeAll, describe, expect, it } from 'vitest';
import type { ProsodyServer } from '../../scripts/prosody/launcher.js';
import { cliAgainst } from './cli-harness.js';
import { ALICE, BOB, jidOf, useServer } from './helpers.js';

const context = useServer();
const { dirs } = context;
let server: ProsodyServer;
beforeAll(() => {
  server = context.server;
});

const { parley, run } = cliAgainst(context);

describe('the headless client (npm run cli) against Prosody', () => {
  const aliceDir = dirs.make('alice');
  const bobDir = dirs.make('bob');
  let aliceJid: string;
  let bobJid: string;
  let aliceLogin: Record<string, unknown>;

  it('login creates the store and the device and prints jid, device and fingerprint', async () => {
    aliceJid = jidOf(server, ALICE);
    bobJid = jidOf(server, BOB);
    const a = await run(ALICE, aliceDir, ['login', '--jid', aliceJid]);
    expect(a.code).toBe(0);
    aliceLogin = a.lines[0]!;
    expect(aliceLogin).toEqual({ jid: aliceJid, device: expect.any(Number), fingerprint: expect.stringMatching(/^([0-9a-f]{8} ){7}[0-9a-f]{8}$/) });
    const b = await run(BOB, bobDir, ['login', '--jid', bobJid]);
    expect(b.code).toBe(0);
    // Signing in again reuses the device.
    const again = await run(ALICE, aliceDir, ['login', '--jid', aliceJid]);
    expect(again.lines[0]).toEqual(aliceLogin);
  }, 60_000);

  it('sends and receives both ways: listen prints ready, then the message, and exits after --count', async () => {
    const bobListen = parley(BOB, bobDir, ['listen', '--count', '1', '--timeout', '30']);
    await bobListen.line((l) => l.ready === true);
    const sent = await run(ALICE, aliceDir, ['send', '--to', bobJid, '--text', 'hi bob, from the cli']);
    expect(sent.code).toBe(0);
    expect(sent.lines[0]).toMatchObject({ id: expect.any(String), to: bobJid, devices: [{ jid: bobJid, device: expect.any(Number) }] });
    const heard = await bobListen.done;
    expect(heard.code).toBe(0);
    expect(heard.lines[1]).toEqual({
      from: aliceJid,
      body: 'hi bob, from the cli',
      id: sent.lines[0]!.id,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      device: aliceLogin.device,
      encryption: 'omemo:2',
    });

    const aliceListen = parley(ALICE, aliceDir, ['listen', '--count', '1', '--timeout', '30']);
    await aliceListen.line((l) => l.ready === true);
    const reply = await run(BOB, bobDir, ['send', '--to', aliceJid, '--text', 'hello alice']);
    expect(reply.code).toBe(0);
    const got = await aliceListen.done;
    expect(got.code).toBe(0);
    expect(got.lines[1]).toMatchObject({ from: bobJid, body: 'hello alice', id: reply.lines[0]!.id });
  }, 60_000);

  it('delivers a message sent while the recipient is offline at its next listen, exactly once', async () => {
    const sent = await run(ALICE, aliceDir, ['send', '--to', bobJid, '--text', 'while you were offline']);
    expect(sent.code).toBe(0);
    const first = await run(BOB, bobDir, ['listen', '--count', '1', '--timeout', '20']);
    expect(first.code).toBe(0);
    expect(first.lines).toEqual([{ ready: true }, expect.objectContaining({ id: sent.lines[0]!.id, body: 'while you were offline' })]);
    const second = await run(BOB, bobDir, ['listen', '--timeout', '2']);
    expect(second.code).toBe(1); // timeout: nothing arrives twice
    expect(second.lines).toEqual([{ ready: true }]);
  }, 60_000);
});
