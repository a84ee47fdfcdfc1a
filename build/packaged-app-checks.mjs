// Decisions the afterPack hook takes about a packed app, kept free of electron-builder so they
// can be tested on their own (tests/packaging/after-pack-decisions.test.ts).
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Marker @electron/fuses looks for in a real Electron binary; the fuse wire follows it. */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/** The file that carries the fuse wire: the executable, or the framework inside a macOS bundle. */
export function fuseWireFile(binaryPath) {
  if (!binaryPath.endsWith('.app')) return binaryPath;
  return resolve(binaryPath, 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework');
}

export function hasFuseSentinel(file) {
  return readFileSync(file).includes(FUSE_SENTINEL, 0, 'latin1');
}

/**
 * 'flip' for a real Electron binary. 'skip' only when the build was pointed at a custom Electron
 * distribution (electronDist) whose binary has no fuse wire — a stub used to check the package
 * layout. A downloaded Electron without the sentinel is a broken download: fail the build.
 */
export function fusePlan({ hasSentinel, customElectronDist }) {
  if (hasSentinel) return 'flip';
  if (customElectronDist) return 'skip';
  throw new Error('after-pack: the Electron binary has no fuse sentinel; refusing to ship it without fuses');
}

/**
 * NODE_MODULE_VERSION a native addon was compiled for, read from its exported
 * `node_register_module_v<N>` symbol; undefined for Node-API addons (they carry no such version).
 */
export function nativeModuleAbi(bytes) {
  const match = /node_register_module_v(\d+)/.exec(bytes.toString('latin1'));
  return match ? Number(match[1]) : undefined;
}

/** Every `.node` file under `dir`, with the ABI it was built for. */
export function nativeModulesIn(dir) {
  const found = [];
  const walk = (current) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.node')) found.push({ path, abi: nativeModuleAbi(readFileSync(path)) });
    }
  };
  try {
    walk(dir);
  } catch (error) {
    if (error?.code !== 'ENOENT') throw error;
  }
  return found;
}

/** Addons whose ABI is not Electron's: they would fail to load ("compiled against a different Node.js version"). */
export function abiMismatches(modules, electronAbi) {
  return modules.filter((module) => module.abi !== undefined && module.abi !== electronAbi);
}
