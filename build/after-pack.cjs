// electron-builder afterPack hook: flips Electron's fuses in the packaged binary before signing.
// RunAsNode, NODE_OPTIONS and --inspect are off, so the shipped binary cannot be turned into a
// general-purpose Node; the app loads only from its ASAR, whose integrity is checked where
// Electron supports it (macOS, Windows). See docs/security.md.
const path = require('node:path');
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');

exports.default = async function afterPack(context) {
  const { electronPlatformName, appOutDir, packager } = context;
  const name = packager.appInfo.productFilename;
  const binary = {
    darwin: path.join(appOutDir, `${name}.app`),
    mas: path.join(appOutDir, `${name}.app`),
    win32: path.join(appOutDir, `${name}.exe`),
    linux: path.join(appOutDir, packager.executableName ?? name.toLowerCase()),
  }[electronPlatformName];
  if (!binary) throw new Error(`after-pack: unknown platform ${electronPlatformName}`);
  const asarIntegrity = electronPlatformName === 'darwin' || electronPlatformName === 'mas' || electronPlatformName === 'win32';
  await flipFuses(binary, {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: electronPlatformName === 'darwin',
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: asarIntegrity,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  });
};
