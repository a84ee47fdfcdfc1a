import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { probePort } from '../../scripts/prosody/ports.js';
import { reapOrphans } from '../../scripts/prosody/process.js';
import { prosodyLuaVersion } from '../../scripts/prosody/storage.js';
import { fetchDeviceList, publishDeviceList } from '../../electron/engine/xmpp/omemo2-pep.js';
import { ALICE, BOB, connectionFor, registerInBand, startTestServer } from './helpers.js';

/** Running, not a zombie (an orphan SIGKILLed here may wait for a pid 1 that never reaps it). */
const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};

describe('throwaway Prosody launcher', () => {
  it('starts on a free loopback port (never 5222) with two accounts that can both log in', async () => {
    const server = await startTestServer();
    try {
      expect(server.host).toBe('127.0.0.1');
      expect(server.port).not.toBe(5222);
      expect(readFileSync(server.caFile, 'utf8')).toContain('BEGIN CERTIFICATE');
      const config = readFileSync(`${server.dataDir}/prosody.cfg.lua`, 'utf8');
      expect(config).toContain('interfaces = { "127.0.0.1" }');
      expect(config).toContain('s2s_ports = { }');
      // Debian's Prosody runs on Lua 5.4, which takes the generational collector (and logs no error about it).
      if (prosodyLuaVersion() === 'Lua 5.4') expect(config).toContain('gc = { mode = "generational" }');
      const alice = connectionFor(server, ALICE);
      const bob = connectionFor(server, BOB);
      await Promise.all([alice.connect(), bob.connect()]);
      await Promise.all([alice.disconnect(), bob.disconnect()]);
      expect(server.logTail(200)).not.toMatch(/GC configuration/);
    } finally {
      await server.stop();
    }
  });

  it('stop() ends the process and removes its data; nothing is left listening', async () => {
    const server = await startTestServer({ accounts: [] });
    const pid = server.pid!;
    expect(alive(pid)).toBe(true);
    await server.stop();
    expect(alive(pid)).toBe(false);
    expect(server.pid).toBeUndefined();
    expect(existsSync(server.dataDir)).toBe(false);
    expect(await probePort('127.0.0.1', server.port)).toBe(false);
    await server.stop(); // idempotent
  });

  it('kill() then restart() brings the server back on the same port with its accounts and PEP data', async () => {
    const server = await startTestServer();
    try {
      const alice = connectionFor(server, ALICE, { reconnect: false });
      await alice.connect();
      await publishDeviceList(alice, [{ id: 42, label: 'kept' }]);
      const { port } = server;
      const firstPid = server.pid!;
      await server.kill();
      expect(alive(firstPid)).toBe(false);
      await server.restart();
      expect(server.port).toBe(port);
      expect(server.pid).not.toBe(firstPid);
      const again = connectionFor(server, ALICE);
      await again.connect();
      expect(await fetchDeviceList(again)).toEqual([{ id: 42, label: 'kept' }]);
      await again.disconnect();
      await alice.disconnect();
    } finally {
      await server.stop();
    }
  });

  it('adds accounts while running (prosodyctl) and allows in-band registration', async () => {
    const server = await startTestServer({ accounts: [] });
    try {
      server.addAccount({ user: 'carol', password: 'carol-Secret-3' });
      const carol = connectionFor(server, { user: 'carol', password: 'carol-Secret-3' });
      await carol.connect();
      await carol.disconnect();
      expect(await registerInBand(server, 'erin', 'erin-Secret-5')).toBe('result');
      const erin = connectionFor(server, { user: 'erin', password: 'erin-Secret-5' });
      await erin.connect();
      await erin.disconnect();
    } finally {
      await server.stop();
    }
  });

  it('the CLI prints its server as JSON and stops it on SIGTERM', async () => {
    const { cli, info } = await startCli();
    const exited = new Promise<number | null>((r) => cli.once('exit', r));
    cli.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(alive(info.pid)).toBe(false);
    expect(existsSync(info.dataDir)).toBe(false);
  });

  it('reaps a server whose owning process was SIGKILLed (no orphans from crashed runs)', async () => {
    const { cli, info } = await startCli();
    const exited = new Promise((r) => cli.once('exit', r));
    cli.kill('SIGKILL');
    await exited;
    expect(alive(info.pid)).toBe(true); // orphaned: nobody stopped it
    expect(reapOrphans(tmpdir())).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(info.pid)).toBe(false);
    expect(existsSync(info.dataDir)).toBe(false);
  });
});

/** Runs the CLI in its own Node process and waits for its JSON line. */
async function startCli() {
  const cli = spawn(process.execPath, ['--import', 'tsx', 'scripts/prosody/cli.ts', '--accounts', 'dave:dave-Secret-4'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: cli.stdout! }).once('line', resolve);
    cli.once('exit', (code) => reject(new Error(`cli exited early (${code})`)));
  });
  const info = JSON.parse(line) as { port: number; pid: number; dataDir: string; accounts: string[]; caFile: string };
  expect(info.accounts).toEqual(['dave@localhost']);
  expect(await probePort('127.0.0.1', info.port)).toBe(true);
  return { cli, info };
}
