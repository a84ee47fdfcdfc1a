// electron-builder afterPack hook, run on the unpacked app before it is signed and put into an
// installer. Two jobs:
//  1. Flip Electron's fuses (docs/security.md, item 19): RunAsNode, NODE_OPTIONS and --inspect off,
//     so the shipped binary cannot be turned into a general-purpose Node; cookies encrypted; the
//     app loads only from its ASAR, whose integrity is checked where Electron supports it (macOS,
//     Windows — electron-builder writes the hashes there). Linux relies on package integrity.
//  2. Refuse a native addon built for the wrong ABI. electron-builder's rebuild honours an inherited
//     npm_config_nodedir and then quietly compiles against Node's headers (docs/installers.md).
// A stub Electron (electronDist without a fuse wire, used to check the package layout) gets
// neither: the hook says so in the log and goes on.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FuseV1Options, FuseVersion, flipFuses } from '@electron/fuses';
import { abiMismatches, fusePlan, fuseWireFile, hasFuseSentinel, nativeModulesIn } from './packaged-app-checks.mjs';

const require = createRequire(import.meta.url);

function electronBinary({ electronPlatformName, appOutDir, packager }) {
  const name = packager.appInfo.productFilename;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${name}.app`);
    case 'win32':
      return join(appOutDir, `${name}.exe`);
    case 'linux':
      return join(appOutDir, packager.executableName);
    default:
      throw new Error(`after-pack: unknown platform ${electronPlatformName}`);
  }
}

/** NODE_MODULE_VERSION of the Electron electron-builder packs (the electron package records it). */
function electronAbi(electronVersion) {
  const dir = dirname(require.resolve('electron/package.json'));
  const installed = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
  if (installed !== electronVersion) {
    throw new Error(`after-pack: packing Electron ${electronVersion} but node_modules has ${installed}; cannot tell its ABI`);
  }
  return Number(readFileSync(join(dir, 'abi_version'), 'utf8').trim());
}

function checkNativeAbi(context, realElectron) {
  const { packager, appOutDir } = context;
  const expected = electronAbi(packager.config.electronVersion);
  const unpacked = join(packager.getResourcesDir(appOutDir), 'app.asar.unpacked');
  const wrong = abiMismatches(nativeModulesIn(unpacked), expected);
  if (wrong.length === 0) return;
  const list = wrong.map((m) => `${m.path} (ABI ${m.abi})`).join(', ');
  if (realElectron) {
    throw new Error(`after-pack: native addons not built for Electron (ABI ${expected}): ${list}. See docs/installers.md.`);
  }
  console.log(`after-pack: stub Electron, native ABI not enforced: ${list} (Electron needs ${expected}); this output cannot run.`);
}

export default async function afterPack(context) {
  const { electronPlatformName, packager } = context;
  const binary = electronBinary(context);
  const plan = fusePlan({
    hasSentinel: hasFuseSentinel(fuseWireFile(binary)),
    customElectronDist: Boolean(packager.config.electronDist),
  });
  checkNativeAbi(context, plan === 'flip');
  if (plan === 'skip') {
    console.log(`after-pack: ${binary} is not a real Electron binary (no fuse wire); fuses NOT set. Layout check only, never ship this.`);
    return;
  }
  const asarIntegrity = ['darwin', 'mas', 'win32'].includes(electronPlatformName);
  await flipFuses(binary, {
    version: FuseVersion.V1,
    // Flipping fuses invalidates the ad-hoc signature arm64 macOS requires; signing replaces it later.
    resetAdHocDarwinSignature: electronPlatformName === 'darwin',
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: asarIntegrity,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  });
  console.log(`after-pack: fuses set on ${binary} (ASAR integrity ${asarIntegrity ? 'on' : 'not supported on this platform'})`);
}
