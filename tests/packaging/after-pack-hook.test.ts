// build/after-pack.mjs on a fake unpacked app whose "Electron" is a file carrying a fuse wire, so
// @electron/fuses can really flip it: the production fuse values, and the ABI guard that stops a
// Node-built SQLite addon from reaching an installer.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import afterPack, { type AfterPackContext } from '../../build/after-pack.mjs';
import { FUSE_SENTINEL } from '../../build/packaged-app-checks.mjs';

const root = join(import.meta.dirname, '..', '..');
const electron = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string };
const electronAbi = Number(readFileSync(join(root, 'node_modules/electron/abi_version'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'parley-after-pack-hook-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ON = 49;
const OFF = 48;
// Fuse wire V1 order: RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect,
// AsarIntegrity, OnlyLoadAppFromAsar, BrowserV8Snapshot, GrantFileProtocolExtraPrivileges.
const WIRE_LENGTH = 8;

function fakeApp(name: string, platform: 'linux' | 'win32', addonAbi: number): { context: AfterPackContext; binary: string } {
  const appOutDir = join(work, name);
  const addonDir = join(appOutDir, 'resources', 'app.asar.unpacked', 'node_modules', 'sqlite', 'build', 'Release');
  mkdirSync(addonDir, { recursive: true });
  writeFileSync(join(addonDir, 'sqlite.node'), `\0node_register_module_v${addonAbi}\0`);
  const binary = join(appOutDir, platform === 'linux' ? 'parley' : 'Parley.exe');
  // Every fuse starts enabled, as far from the wanted state as possible.
  writeFileSync(binary, Buffer.concat([Buffer.alloc(32), Buffer.from(FUSE_SENTINEL, 'latin1'), Buffer.from([1, WIRE_LENGTH]), Buffer.alloc(WIRE_LENGTH, ON), Buffer.alloc(32)]));
  const context: AfterPackContext = {
    electronPlatformName: platform,
    appOutDir,
    packager: {
      appInfo: { productFilename: 'Parley' },
      executableName: 'parley',
      config: { electronVersion: electron.version },
      getResourcesDir: (dir) => join(dir, 'resources'),
    },
  };
  return { context, binary };
}

async function wire(binary: string): Promise<number[]> {
  const fuses = (await getCurrentFuseWire(binary)) as unknown as Record<number, number>;
  return Array.from({ length: WIRE_LENGTH }, (_, i) => fuses[i] ?? -1);
}

describe('after-pack hook on a real fuse wire', () => {
  beforeAll(() => vi.spyOn(console, 'log').mockImplementation(() => undefined));

  it('sets the production fuses on Linux, without ASAR integrity', async () => {
    const { context, binary } = fakeApp('linux', 'linux', electronAbi);
    await afterPack(context);
    expect(await wire(binary)).toEqual([OFF, ON, OFF, OFF, OFF, ON, ON, OFF]);
  });

  it('turns on ASAR integrity on Windows', async () => {
    const { context, binary } = fakeApp('win', 'win32', electronAbi);
    await afterPack(context);
    expect(await wire(binary)).toEqual([OFF, ON, OFF, OFF, ON, ON, ON, OFF]);
  });

  it('fails the build when the SQLite addon was compiled for Node, and leaves the binary alone', async () => {
    const { context, binary } = fakeApp('node-abi', 'linux', 115);
    const before = readFileSync(binary);
    await expect(afterPack(context)).rejects.toThrow(new RegExp(`not built for Electron \\(ABI ${electronAbi}\\): .*sqlite\\.node \\(ABI 115\\)`));
    expect(readFileSync(binary).equals(before)).toBe(true);
  });
});
