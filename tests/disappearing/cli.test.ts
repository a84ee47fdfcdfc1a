/** The headless client's disappearing messages against Prosody: timer, send --expire, listen expiresAt, history. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProsodyServer } from '../../scripts/prosody/launcher.js';
import { parley as spawnParley, run as runParley, type Run } from '../messaging/cli-harness.js';
import { ALICE, BOB, jidOf, startServer, tempDirs, type Account } from '../messaging/helpers.js';

let server: ProsodyServer;
const dirs = tempDirs();
beforeAll(async () => {
  server = await startServer([ALICE, BOB]);
});
afterAll(async () => {
  await server?.stop();
  dirs.cleanup();
});

const run = (account: Account, dir: string, args: string[]): Promise<Run> => runParley(server, account, dir, args);

describe('disappearing messages in the headless client', () => {
  it('sets a timer, sends with --expire, prints expiresAt when shown, and history never prints it after expiry', async () => {
    const aliceDir = dirs.make('alice');
    const bobDir = dirs.make('bob');
    const aliceJid = jidOf(server, ALICE);
    const bobJid = jidOf(server, BOB);
    expect((await run(ALICE, aliceDir, ['login', '--jid', aliceJid])).code).toBe(0);
    expect((await run(BOB, bobDir, ['login', '--jid', bobJid])).code).toBe(0);

    const timer = await run(ALICE, aliceDir, ['timer', '--with', bobJid, '--seconds', '3600']);
    expect(timer.code).toBe(0);
    expect(timer.lines[0]).toEqual({ with: bobJid, seconds: 3600, version: 1, setBy: aliceJid });

    const listen = spawnParley(server, BOB, bobDir, ['listen', '--count', '1', '--timeout', '30']);
    await listen.line((l) => l.ready === true);
    const sent = await run(ALICE, aliceDir, ['send', '--to', bobJid, '--text', 'short-lived', '--expire', '2']);
    expect(sent.code).toBe(0);
    const heard = await listen.done;
    const line = heard.lines[1]!;
    expect(line).toMatchObject({ id: sent.lines[0]!.id, body: 'short-lived', expiresAt: expect.stringMatching(/^\d{4}-/) });
    const left = Date.parse(line.expiresAt as string) - Date.now();
    expect(left).toBeLessThanOrEqual(2000);

    await new Promise((r) => setTimeout(r, Math.max(0, left) + 200));
    for (const [account, dir, peer] of [
      [BOB, bobDir, aliceJid],
      [ALICE, aliceDir, bobJid],
    ] as const) {
      const history = await run(account, dir, ['history', '--with', peer]);
      expect(history.code).toBe(0);
      expect(history.lines.map((l) => l.id)).not.toContain(sent.lines[0]!.id);
    }
    expect((await run(ALICE, aliceDir, ['send', '--to', bobJid, '--text', 'x', '--expire', '0'])).code).not.toBe(0);
  }, 90_000);
});
