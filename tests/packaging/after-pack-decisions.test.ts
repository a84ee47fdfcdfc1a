// The decisions build/after-pack.mjs takes: fuses only on a real Electron binary, and never a
// native addon built for another ABI inside a real build.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FUSE_SENTINEL,
  abiMismatches,
  fusePlan,
  fuseWireFile,
  hasFuseSentinel,
  nativeModuleAbi,
  nativeModulesIn,
} from '../../build/packaged-app-checks.mjs';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'parley-after-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('fuse plan', () => {
  it('flips the fuses of a binary that carries the fuse wire', () => {
    const binary = join(work, 'electron-like');
    writeFileSync(binary, Buffer.concat([Buffer.alloc(64, 7), Buffer.from(FUSE_SENTINEL, 'latin1'), Buffer.from([1, 8, 0x31, 0x30])]));
    expect(hasFuseSentinel(binary)).toBe(true);
    expect(fusePlan({ hasSentinel: true, customElectronDist: true })).toBe('flip');
    expect(fusePlan({ hasSentinel: true, customElectronDist: false })).toBe('flip');
  });

  it('skips a stub from a custom electronDist that has no fuse wire', () => {
    const stub = join(work, 'stub');
    writeFileSync(stub, '#!/bin/sh\necho stub\n');
    expect(hasFuseSentinel(stub)).toBe(false);
    expect(fusePlan({ hasSentinel: false, customElectronDist: true })).toBe('skip');
  });

  it('refuses a downloaded Electron without a fuse wire instead of shipping it unfused', () => {
    expect(() => fusePlan({ hasSentinel: false, customElectronDist: false })).toThrow(/no fuse sentinel/);
  });

  it('looks for the fuse wire in the framework of a macOS bundle', () => {
    expect(fuseWireFile('/out/mac/Parley.app')).toBe('/out/mac/Parley.app/Contents/Frameworks/Electron Framework.framework/Electron Framework');
    expect(fuseWireFile('/out/linux-unpacked/parley')).toBe('/out/linux-unpacked/parley');
  });
});

describe('native addon ABI', () => {
  it('reads the ABI of the SQLite addon as built for this Node', () => {
    const modules = nativeModulesIn(join(root, 'node_modules/better-sqlite3-multiple-ciphers/build/Release'));
    const addon = modules.find((module) => module.path.endsWith('better_sqlite3.node'));
    expect(addon?.abi).toBe(Number(process.versions.modules));
  });

  it('has no ABI to check in a Node-API addon', () => {
    expect(nativeModuleAbi(Buffer.from('\0napi_register_module_v1\0'))).toBeUndefined();
    expect(nativeModuleAbi(Buffer.from('\0node_register_module_v145\0'))).toBe(145);
  });

  it('reports addons built for Node when Electron needs another ABI', () => {
    const modules = [
      { path: 'a.node', abi: 115 },
      { path: 'b.node', abi: 145 },
      { path: 'napi.node', abi: undefined },
    ];
    expect(abiMismatches(modules, 145)).toEqual([{ path: 'a.node', abi: 115 }]);
  });

  it('finds no addons in a folder that does not exist', () => {
    expect(nativeModulesIn(join(work, 'missing'))).toEqual([]);
  });
});
