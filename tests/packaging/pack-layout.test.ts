/**
 * Packs the app the way scripts/package.mjs does for a release, but with a stub Electron (no
 * Electron binary can be downloaded here) and without the native rebuild, then reads what
 * electron-builder put into app.asar and beside it.
 *
 * The stub is what electron-builder needs from an unpacked Electron distribution on Linux: an
 * `electron` executable, which it renames to `parley`. Electron's LICENSE files and locales/
 * are optional (it tolerates their absence), and resources/ is created by the packer.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const NATIVE_ADDON = 'node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node';

describe.runIf(process.platform === 'linux')('packed app (linux dir target, stub Electron)', () => {
  let work: string;
  let appDir: string;
  let asar: string;
  let files: string[];
  let log: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'parley-pack-'));
    const stub = join(work, 'electron-dist');
    mkdirSync(stub);
    writeFileSync(join(stub, 'electron'), '#!/bin/sh\necho "stub electron"\n');
    chmodSync(join(stub, 'electron'), 0o755);
    const out = join(work, 'out');
    const args = ['scripts/package.mjs', '--linux', '--dir', '--electron-dist', stub, '--no-native-rebuild', '--output', out];
    const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 85_000 });
    log = `${run.stdout}\n${run.stderr}`;
    if (run.status !== 0) throw new Error(`package.mjs failed (${run.status ?? run.signal}):\n${log}`);
    appDir = join(out, 'linux-unpacked');
    asar = join(appDir, 'resources', 'app.asar');
    files = listPackage(asar, { isPack: false }).map((file) => file.replace(/^[/\\]/, '').replaceAll('\\', '/'));
  }, 90_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('puts the app into app.asar beside the renamed executable', () => {
    expect(existsSync(join(appDir, 'parley'))).toBe(true);
    expect(existsSync(asar)).toBe(true);
    for (const file of ['dist/electron/main.mjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html', 'dist/renderer/app.js', 'dist/renderer/app.css']) {
      expect(files).toContain(file);
    }
  });

  it('starts the app from dist/electron/main.mjs', () => {
    const manifest = JSON.parse(extractFile(asar, 'package.json').toString('utf8')) as { main?: string };
    expect(manifest.main).toBe('dist/electron/main.mjs');
  });

  it('keeps the native SQLite addon outside the archive, where the OS loader can open it', () => {
    expect(statFile(asar, NATIVE_ADDON)).toMatchObject({ unpacked: true });
    expect(existsSync(join(appDir, 'resources', 'app.asar.unpacked', NATIVE_ADDON))).toBe(true);
  });

  it('ships no C sources, build intermediates or test addon of the SQLite module', () => {
    const unpacked = readdirSync(join(appDir, 'resources', 'app.asar.unpacked'), { recursive: true, encoding: 'utf8' });
    const notRuntime = /(^|\/)(src|deps|obj|obj\.target)(\/|$)|\.(a|c|cpp|h|hpp|gyp|mk)$|test_extension\.node$/;
    expect(unpacked.map((file) => file.replaceAll('\\', '/')).filter((file) => notRuntime.test(file))).toEqual([]);
    expect(files.filter((file) => file.startsWith('node_modules/better-sqlite3/'))).toEqual([]);
  });

  it('ships neither the test host nor anything from e2e/', () => {
    expect(files.filter((file) => /^dist\/test-host|^e2e\/|bridge-shim/.test(file))).toEqual([]);
  });

  it('ships no TypeScript sources and no source maps', () => {
    expect(files.filter((file) => /\.(ts|mts|cts|tsx|map)$/.test(file))).toEqual([]);
    for (const bundle of ['dist/electron/main.mjs', 'dist/electron/preload.cjs', 'dist/renderer/app.js']) {
      expect(extractFile(asar, bundle).toString('utf8')).not.toContain('sourceMappingURL');
    }
  });

  it('ships no devDependencies', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const shipped = Object.keys(manifest.devDependencies).filter((name) => files.includes(`node_modules/${name}/package.json`));
    expect(shipped).toEqual([]);
    expect(files).toContain('node_modules/zod/package.json'); // production dependencies do come along
  });

  it('logs that the stub got no fuses and that its native ABI was not enforced', () => {
    expect(log).toMatch(/after-pack: .*parley is not a real Electron binary \(no fuse wire\); fuses NOT set/);
    expect(log).toMatch(/after-pack: stub Electron, native ABI not enforced: .*better_sqlite3\.node \(ABI \d+\) \(Electron needs \d+\)/);
  });
});
