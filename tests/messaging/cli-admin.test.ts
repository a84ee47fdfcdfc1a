import { beforeAll, describe, expect, it } from 'vitest';
import type { ProsodyServer } from '../../scripts/prosody/launcher.js';
import { CLI_PASSPHRASE, cliAgainst, spawnWith, type Run } from './cli-harness.js';
import { ALICE, BOB, jidOf, useServer } from './helpers.js';

const context = useServer();
const { dirs } = context;
let server: ProsodyServer;
beforeAll(() => {
  server = context.server;
});

const { parley, run } = cliAgainst(context);

describe('the headless client: history, devices, trust and failures', () => {
  const aliceDir = dirs.make('alice');
  const bobDir = dirs.make('bob');
  let aliceJid: string;
  let bobJid: string;
  let aliceLogin: Record<string, unknown>;

  beforeAll(async () => {
    aliceJid = jidOf(server, ALICE);
    bobJid = jidOf(server, BOB);
    const [a, b] = await Promise.all([run(ALICE, aliceDir, ['login', '--jid', aliceJid]), run(BOB, bobDir, ['login', '--jid', bobJid])]);
    expect([a.code, b.code]).toEqual([0, 0]);
    aliceLogin = a.lines[0]!;
    for (const [account, dir, to, text] of [
      [ALICE, aliceDir, bobJid, 'hi bob, from the cli'],
      [BOB, bobDir, aliceJid, 'hello alice'],
      [ALICE, aliceDir, bobJid, 'while you were offline'],
    ] as const) expect((await run(account, dir, ['send', '--to', to, '--text', text])).code).toBe(0);
    // Bob signs in once more to pick up the last one.
    expect((await run(BOB, bobDir, ['listen', '--count', '1', '--timeout', '20'])).code).toBe(0);
  }, 60_000);

  it('lists history oldest first, devices with fingerprints, and records trust decisions', async () => {
    const history = await run(BOB, bobDir, ['history', '--with', aliceJid]);
    expect(history.code).toBe(0);
    expect(history.lines.map((l) => [l.direction, l.body])).toEqual([
      ['in', 'hi bob, from the cli'],
      ['out', 'hello alice'],
      ['in', 'while you were offline'],
    ]);
    const devices = await run(BOB, bobDir, ['devices', '--jid', aliceJid], { PARLEY_PASSWORD: undefined });
    expect(devices.lines).toEqual([expect.objectContaining({ jid: aliceJid, device: aliceLogin.device, fingerprint: aliceLogin.fingerprint, trust: 'trusted' })]);
    const trust = await run(BOB, bobDir, ['trust', '--jid', aliceJid, '--device', String(aliceLogin.device)], { PARLEY_PASSWORD: undefined });
    expect(trust.code).toBe(0);
    const after = await run(BOB, bobDir, ['devices', '--jid', aliceJid], { PARLEY_PASSWORD: undefined });
    expect(after.lines[0]).toMatchObject({ trust: 'verified' });
    const untrust = await run(BOB, bobDir, ['trust', '--jid', aliceJid, '--device', String(aliceLogin.device), '--untrust'], { PARLEY_PASSWORD: undefined });
    expect(untrust.code).toBe(0);
    expect((await run(BOB, bobDir, ['devices', '--jid', aliceJid], { PARLEY_PASSWORD: undefined })).lines[0]).toMatchObject({ trust: 'untrusted', trusted: false });
  }, 60_000);

  it('removes another device of the account, and refuses this device and an unknown one', async () => {
    const laptopDir = dirs.make('alice-laptop');
    const laptop = await run(ALICE, laptopDir, ['login', '--jid', aliceJid]);
    expect(laptop.code).toBe(0);
    const laptopId = String(laptop.lines[0]!.device);
    // Bob learns of the laptop and trusts both of alice's devices (an earlier test untrusted the first).
    expect((await run(BOB, bobDir, ['devices', '--jid', aliceJid])).code).toBe(0);
    for (const device of [String(aliceLogin.device), laptopId]) {
      expect((await run(BOB, bobDir, ['trust', '--jid', aliceJid, '--device', device], { PARLEY_PASSWORD: undefined })).code).toBe(0);
    }
    const before = await run(BOB, bobDir, ['send', '--to', aliceJid, '--text', 'to both']);
    expect(before.code, before.stderr).toBe(0);
    expect((before.lines[0]!.devices as { device: number }[]).map((d) => d.device).sort()).toEqual([aliceLogin.device, Number(laptopId)].sort());
    const removed = await run(ALICE, aliceDir, ['remove-device', '--device', laptopId]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.lines).toEqual([{ removed: Number(laptopId) }]);
    const again = await run(ALICE, aliceDir, ['remove-device', '--device', laptopId]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/^parley: unknown-device/);
    const self = await run(ALICE, aliceDir, ['remove-device', '--device', String(aliceLogin.device)]);
    expect(self.code).not.toBe(0);
    expect(self.stderr).toMatch(/^parley: not-allowed/);
    // Bob now encrypts for alice's remaining device only.
    const sent = await run(BOB, bobDir, ['send', '--to', aliceJid, '--text', 'to the desktop']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.lines[0]).toMatchObject({ devices: [{ jid: aliceJid, device: aliceLogin.device }] });
  }, 60_000);

  it('fails with one line on stderr and a non-zero exit, never echoing secrets', async () => {
    const cases: [string, () => Promise<Run>, RegExp][] = [
      ['wrong passphrase', () => run(ALICE, aliceDir, ['history', '--with', bobJid], { PARLEY_PASSPHRASE: 'not-it' }), /wrong passphrase/],
      ['wrong password', () => run(ALICE, aliceDir, ['send', '--to', bobJid, '--text', 'x'], { PARLEY_PASSWORD: 'Wrong-Password-7' }), /wrong password/],
      ['no store', () => run(ALICE, dirs.make('nowhere'), ['history', '--with', bobJid]), /run login first/],
      ['usage', () => run(ALICE, aliceDir, ['send', '--to', bobJid]), /--text is required/],
    ];
    for (const [what, attempt, pattern] of cases) {
      const r = await attempt();
      expect(r.code, what).not.toBe(0);
      expect(r.stderr.trim().split('\n')[0], what).toMatch(pattern);
      expect(r.stderr).not.toMatch(/not-it|Wrong-Password-7/);
      expect(r.stderr).not.toContain(ALICE.password);
      expect(r.stderr).not.toContain(CLI_PASSPHRASE);
    }
  }, 60_000);

  it('reports an unreachable server, a rejected certificate and a locked store', async () => {
    const unreachable = await spawnWith(['send', '--to', bobJid, '--text', 'x', '--data', aliceDir, '--server', server.host, '--port', '1', '--ca', server.caFile], ALICE.password);
    expect(unreachable.stderr).toMatch(/^parley: server unreachable/);
    const noCa = await spawnWith(['send', '--to', bobJid, '--text', 'x', '--data', aliceDir, '--server', server.host, '--port', String(server.port)], ALICE.password);
    expect(noCa.stderr).toMatch(/^parley: certificate rejected/);
    const listening = parley(ALICE, aliceDir, ['listen', '--timeout', '10']);
    await listening.line((l) => l.ready === true);
    const locked = await run(ALICE, aliceDir, ['history', '--with', bobJid]);
    expect(locked.code).not.toBe(0);
    expect(locked.stderr).toMatch(/locked by another process/);
    expect((await listening.stop()).code).toBe(0);
  }, 60_000);
});

