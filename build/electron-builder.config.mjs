// electron-builder configuration. Build installers with `node scripts/package.mjs` (docs/installers.md),
// not with electron-builder directly: the wrapper builds the renderer and pins the native rebuild
// to Electron's headers. Output goes to release/, apart from tsc's and esbuild's dist/.
import { fileURLToPath } from 'node:url';

const NATIVE_SQLITE = 'node_modules/better-sqlite3-multiple-ciphers';

/** @type {import('electron-builder').Configuration} */
const config = {
  appId: 'org.parley.desktop',
  productName: 'Parley',
  copyright: 'Copyright © Parley developers',
  directories: { output: 'release', buildResources: 'build' },
  artifactName: '${productName}-${version}-${os}-${arch}.${ext}',

  // The bundles from scripts/build-renderer.mjs (dist/test-host/ is never shipped) plus the
  // production dependencies electron-builder collects itself; devDependencies never enter.
  extraMetadata: { main: 'dist/electron/main.mjs' },
  files: [
    'dist/electron/**',
    'dist/renderer/**',
    '!**/*.{map,ts,mts,cts,tsx}',
    // Nothing imports plain better-sqlite3 (the store uses the SQLCipher-capable fork): keep an
    // unencrypted SQLite and its native addon out of the app.
    '!node_modules/better-sqlite3/**',
    // The fork's C sources and build intermediates: only build/Release/better_sqlite3.node runs.
    `!${NATIVE_SQLITE}/{src,deps}/**`,
    `!${NATIVE_SQLITE}/binding.gyp`,
    `!${NATIVE_SQLITE}/build/{deps,Release/obj,Release/obj.target,Release/.deps}/**`,
    `!${NATIVE_SQLITE}/build/{Makefile,*.mk,*.gypi}`,
    `!${NATIVE_SQLITE}/build/Release/{*.a,test_extension.node}`,
  ],
  asar: true,
  // A native addon is loaded by the OS loader, which cannot read inside app.asar.
  asarUnpack: ['**/*.node'],

  // Rebuild native addons for Electron's ABI (scripts/package.mjs sets the headers; after-pack.mjs
  // fails the build if an addon still carries Node's ABI).
  npmRebuild: true,
  afterPack: fileURLToPath(new URL('./after-pack.mjs', import.meta.url)),

  linux: {
    target: ['AppImage', 'deb'],
    executableName: 'parley',
    icon: 'build/icons',
    category: 'Network;InstantMessaging',
    synopsis: 'End-to-end encrypted XMPP messenger',
    // Debian packages need a maintainer; package.json has no author yet.
    maintainer: 'Parley developers <packaging@parley.invalid>',
  },
  win: { target: ['nsis'], icon: 'build/icon.ico' },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    // The encrypted store outlives an uninstall unless the user deletes it.
    deleteAppDataOnUninstall: false,
  },
  mac: {
    target: ['dmg'],
    icon: 'build/icon.icns',
    hardenedRuntime: true,
    category: 'public.app-category.social-networking',
  },
  publish: null,
};

export default config;
