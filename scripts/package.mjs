#!/usr/bin/env node
// Builds Parley's installers into release/ (docs/installers.md):
//   1. the production bundles (scripts/build-renderer.mjs → dist/);
//   2. electron-builder with build/electron-builder.config.mjs, its native rebuild pinned to
//      Electron's headers (build/native-rebuild-env.mjs explains why);
//   3. node_modules' SQLite addons rebuilt back for Node, since electron-builder rebuilt them in
//      place and the test suites load them in Node.
// Usage: node scripts/package.mjs [--linux] [--win] [--mac] [--dir] [--from-source] [--keep-electron-abi]
//   --linux/--win/--mac   platforms (default: this one); each with the targets of the config
//   --dir                 unpacked app only (no installer)
//   --from-source         compile native addons instead of fetching Electron prebuilds
// Layout checks only (tests/packaging): --electron-dist <dir> (a stub Electron), --no-native-rebuild,
// --output <dir>. An app packed that way cannot run; after-pack.mjs says so and sets no fuses.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import builder from 'electron-builder';
import config from '../build/electron-builder.config.mjs';
import { nativeRebuildEnv } from '../build/native-rebuild-env.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE_NATIVE_PACKAGES = ['better-sqlite3', 'better-sqlite3-multiple-ciphers'];

const { values: options } = parseArgs({
  options: {
    linux: { type: 'boolean', default: false },
    win: { type: 'boolean', default: false },
    mac: { type: 'boolean', default: false },
    dir: { type: 'boolean', default: false },
    'from-source': { type: 'boolean', default: false },
    'keep-electron-abi': { type: 'boolean', default: false },
    'electron-dist': { type: 'string' },
    'no-native-rebuild': { type: 'boolean', default: false },
    output: { type: 'string' },
  },
});

function run(command, args, env = process.env) {
  // npm is a .cmd script on Windows, which Node spawns only through a shell.
  const shell = process.platform === 'win32' && command === 'npm';
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env, shell });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
}

function platformTargets() {
  const targets = options.dir ? ['dir'] : [];
  const chosen = {};
  if (options.linux) chosen.linux = targets;
  if (options.win) chosen.win = targets;
  if (options.mac) chosen.mac = targets;
  if (Object.keys(chosen).length === 0) {
    const here = { linux: 'linux', win32: 'win', darwin: 'mac' }[process.platform];
    if (!here) throw new Error(`package: no installer target for ${process.platform}`);
    chosen[here] = targets;
  }
  return chosen;
}

const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
const rebuildNative = !options['no-native-rebuild'];
const nodeEnv = { ...process.env };

run(process.execPath, ['scripts/build-renderer.mjs']);

// @electron/rebuild forks node-gyp with process.env, so the override has to live there.
const electronEnv = nativeRebuildEnv(process.env, electronVersion);
for (const key of Object.keys(process.env)) if (!(key in electronEnv)) delete process.env[key];
Object.assign(process.env, electronEnv);

process.chdir(root);
try {
  await builder.build({
    ...platformTargets(),
    projectDir: root,
    publish: 'never',
    config: {
      ...config,
      electronVersion,
      npmRebuild: rebuildNative,
      buildDependenciesFromSource: options['from-source'],
      ...(options['electron-dist'] ? { electronDist: resolve(options['electron-dist']) } : {}),
      ...(options.output ? { directories: { ...config.directories, output: resolve(options.output) } } : {}),
    },
  });
} finally {
  if (rebuildNative && !options['keep-electron-abi']) {
    console.log(`package: rebuilding ${NODE_NATIVE_PACKAGES.join(', ')} for Node again (tests load them in Node)`);
    run('npm', ['rebuild', ...NODE_NATIVE_PACKAGES], nodeEnv);
  }
}
